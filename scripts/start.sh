#!/usr/bin/env bash
# `npm start`: sets everything up on a fresh clone (npm dependencies, Fabric
# binaries, build) and starts the local swledger network (`dev`, ports from
# 7000). Run `npm stop` to stop it; data is kept until `swl network down --purge`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node client/dist/cli/main.js network up "$@"
cat <<MSG

swledger is running.
  status:   npx swl network status
  logs:     npx swl network logs [process] [-f]
  stop:     npm stop           (data kept; 'npx swl network down --purge' removes it)
MSG
