#!/usr/bin/env bash
# Prepares a checkout to run: npm dependencies (when missing or stale), the
# cached Fabric binaries, and the TypeScript build. Safe to run repeatedly.
#
#   scripts/setup.sh [--quiet] [--help]
set -euo pipefail
cd "$(dirname "$0")/.."

quiet=0
for arg in "$@"; do
  case "$arg" in
    --quiet) quiet=1 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "setup: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done
say() { [ "$quiet" = 1 ] || printf '[setup] %s\n' "$*"; }

command -v node >/dev/null 2>&1 || { echo "setup: Node.js 20 or newer is required (node not found)" >&2; exit 1; }
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "setup: Node.js 20 or newer is required (found $(node --version))" >&2; exit 1; }

# npm ci when node_modules is missing or older than the lock file.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci) ..."
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$quiet" = 1 ]; then bash scripts/install-fabric.sh >/dev/null; else bash scripts/install-fabric.sh; fi
if [ "$quiet" = 1 ]; then bash scripts/install-geth.sh >/dev/null; else bash scripts/install-geth.sh; fi

# The verify page's browser test drives Debian's Chromium (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing chromium (apt-get) for the browser test ..."
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null \
    || echo "setup: could not install chromium; the browser test will fail" >&2
fi

say "compiling the anchor contract (solc from npm) ..."
node packages/anchor/scripts/compile.js
say "building TypeScript ..."
npx tsc -b packages/cli tools/bench tools/demo
chmod +x packages/cli/dist/main.js
# npm links a workspace's bin only when its target exists at install time; on a fresh
# clone the CLI is built afterwards, so `npx swl` needs the link made here.
if [ ! -e node_modules/.bin/swl ]; then
  mkdir -p node_modules/.bin
  ln -sfn ../@swledger/cli/dist/main.js node_modules/.bin/swl
fi
say "ready"
