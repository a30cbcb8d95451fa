#!/usr/bin/env bash
# Builds the pinned Fabric and Fabric CA binaries with `go install` from the Go
# module proxy into a per-version cache outside the repository, once.
#
#   scripts/install-fabric.sh [--force] [--help]
#
# Cache: ${SWL_FABRIC_CACHE:-~/.cache/swledger/fabric}/<fabric>-ca<ca>/bin
set -euo pipefail

# Fabric v2.5.9 (commit 7c3876255bf0). Fabric's module path has no /v2, so the
# go command only accepts the commit's pseudo-version. v2.5.10 to v2.5.16 are
# refused by the module proxy reachable here (403 "This module version is not
# available"), v2.5.9 is served and its go.mod has no replace directive.
FABRIC_VERSION="2.5.9"
FABRIC_MODULE_VERSION="v1.4.0-rc1.0.20240618194258-7c3876255bf0"
CA_VERSION="1.5.21"

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
}

force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install-fabric: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

cache_root="${SWL_FABRIC_CACHE:-$HOME/.cache/swledger/fabric}"
dest="$cache_root/${FABRIC_VERSION}-ca${CA_VERSION}"
bin="$dest/bin"
fabric_cmds=(peer orderer configtxgen configtxlator osnadmin cryptogen discover)
ca_cmds=(fabric-ca-server fabric-ca-client)

complete() {
  [ -f "$dest/.complete" ] || return 1
  for c in "${fabric_cmds[@]}" "${ca_cmds[@]}"; do [ -x "$bin/$c" ] || return 1; done
}

# One build at a time per cache: a second run (another checkout's `npm test`)
# waits for the first and then finds the binaries built.
mkdir -p "$cache_root"
exec 9>"$cache_root/.lock"
if ! flock -n 9; then
  echo "[install-fabric] another build into $cache_root is running: waiting for it"
  flock 9
fi

if [ "$force" = 0 ] && complete; then
  echo "Fabric $FABRIC_VERSION and Fabric CA $CA_VERSION binaries already cached in $bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  cat >&2 <<MSG
install-fabric: Go is not installed or not on PATH.
swledger builds Hyperledger Fabric from its Go modules; install Go 1.22 or
newer (https://go.dev/doc/install), make sure 'go version' works, then retry.
MSG
  exit 1
fi

mkdir -p "$bin"
rm -f "$dest/.complete"
export GOFLAGS="${GOFLAGS:-} -trimpath -mod=mod"
started=$(date +%s)

step() { printf '[install-fabric] %s\n' "$*"; }

# `go install pkg@version` asks the proxy for the module's version list to
# check deprecation, and the proxy may refuse that list while serving the
# version itself. A throw-away build module that requires the pinned version
# builds exactly the same packages with the module's own dependency versions.
build_set() { # build_set <name> <CGO_ENABLED> <module> <version> <cmd-dir> <cmds...>
  local name="$1" cgo="$2" module="$3" version="$4" cmddir="$5" t0 pkgs=() todo=()
  shift 5
  for c in "$@"; do
    if [ "$force" = 0 ] && [ -x "$bin/$c" ]; then step "$c already built"; else todo+=("$c"); pkgs+=("$module/$cmddir/$c"); fi
  done
  [ "${#todo[@]}" -gt 0 ] || return 0
  local work="$dest/build/$name"
  rm -rf "$work"; mkdir -p "$work"
  printf 'module swledger.local/build/%s\n\ngo 1.22\n\nrequire %s %s\n' "$name" "$module" "$version" > "$work/go.mod"
  t0=$(date +%s)
  step "downloading $module@$version ..."
  if ! (cd "$work" && go mod download "$module" && go list -deps "${pkgs[@]}" >/dev/null) 2>"$dest/$name.err"; then
    fail "downloading $module@$version" "$dest/$name.err"
  fi
  step "compiling ${todo[*]} (cgo=$cgo) ..."
  if ! (cd "$work" && CGO_ENABLED="$cgo" go build -o "$bin/" "${pkgs[@]}") 2>"$dest/$name.err"; then
    fail "building ${todo[*]}" "$dest/$name.err"
  fi
  rm -f "$dest/$name.err"
  step "built ${todo[*]} in $(( $(date +%s) - t0 ))s"
}

fail() { # fail <what> <error file>
  echo "install-fabric: $1 failed:" >&2
  sed 's/^/  /' "$2" >&2
  cat >&2 <<MSG
Check that the Go module proxy is reachable ('go env GOPROXY'; a proxy of your
own can be set with GOPROXY=...), then run this script again: finished
binaries are kept, so the next run continues where this one stopped.
MSG
  exit 1
}

step "Fabric $FABRIC_VERSION, Fabric CA $CA_VERSION -> $bin ($(go version | awk '{print $3}'))"
step "the first build downloads and compiles Fabric: about 5-10 minutes on 2 cores"
build_set fabric 0 github.com/hyperledger/fabric "$FABRIC_MODULE_VERSION" cmd "${fabric_cmds[@]}"
# fabric-ca-server stores its registry in SQLite through cgo.
build_set fabric-ca 1 github.com/hyperledger/fabric-ca "v$CA_VERSION" cmd "${ca_cmds[@]}"

# Fabric's sample configs come with the module: keep a writable copy beside
# the binaries, the network's renderer starts from them.
src="$(go env GOMODCACHE)/github.com/hyperledger/fabric@$FABRIC_MODULE_VERSION/sampleconfig"
rm -rf "$dest/sampleconfig"
cp -r "$src" "$dest/sampleconfig"
chmod -R u+w "$dest/sampleconfig"

printf '%s\n' "$FABRIC_VERSION" > "$dest/VERSION"
touch "$dest/.complete"
step "done in $(( $(date +%s) - started ))s: $bin"
