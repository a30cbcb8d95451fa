#!/usr/bin/env bash
# Builds the pinned go-ethereum `geth` (the embedded EVM node anchoring runs
# on) with `go install` from the Go module proxy into a per-version cache
# outside the repository, once.
#
#   scripts/install-geth.sh [--force] [--help]
#
# Cache: ${SWL_GETH_CACHE:-~/.cache/swledger/geth}/<version>/bin/geth
set -euo pipefail

GETH_VERSION="1.17.10"

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-geth: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

bin="${SWL_GETH_CACHE:-$HOME/.cache/swledger/geth}/$GETH_VERSION/bin"
if [ "$force" = 0 ] && [ -x "$bin/geth" ]; then
  echo "geth $GETH_VERSION already cached in $bin"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-geth: Go is not installed or not on PATH (Go 1.22 or newer is needed)" >&2; exit 1; }

mkdir -p "$bin"
started=$(date +%s)
echo "[install-geth] building geth $GETH_VERSION (github.com/ethereum/go-ethereum/cmd/geth, about 2 minutes on 2 cores) ..."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && GOBIN="$bin" GOFLAGS="${GOFLAGS:-} -trimpath -mod=mod" \
  go install "github.com/ethereum/go-ethereum/cmd/geth@v$GETH_VERSION") >"$work/build.log" 2>&1; then
  tail -30 "$work/build.log" >&2
  echo "install-geth: building geth $GETH_VERSION failed (see above)" >&2
  exit 1
fi
echo "[install-geth] geth $GETH_VERSION built in $(( $(date +%s) - started ))s: $bin/geth"
