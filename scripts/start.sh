#!/usr/bin/env bash
# `npm start`: sets everything up on a fresh clone (npm dependencies, Fabric
# binaries, build), starts the local swledger network (`dev`, ports from
# 7000) and the REST service of each organisation (HTTPS, port base+100i+80),
# creating demo users' tokens on first start. Run `npm stop` to stop it all;
# data is kept until `swl network down --purge`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node packages/cli/dist/main.js network up "$@"

# The REST services (one per peer organisation, HTTPS) of the same network.
network="${SWL_NETWORK:-dev}"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[$i]}" in
    -n | --network) network="${args[$((i + 1))]:-$network}" ;;
    --network=*) network="${args[$i]#--network=}" ;;
  esac
done
node packages/cli/dist/main.js serve --all -n "$network" | sed 's/^/  /'
run_dir="${SWL_HOME:-$PWD/.swledger}/$network"
creds="$run_dir/rest/credentials.json"
svc() { node -p "require('$creds').services.$1.$2"; }
ent_url=$(svc enterprise url)
ent_ca=$(svc enterprise caFile)
customs_url=$(svc customs url)
customs_ca=$(svc customs caFile)
net_flag=""
[ "$network" = dev ] || net_flag=" -n $network"
cat <<MSG

swledger is running.
  verify page:   $customs_url/   (drop a file; also on every organisation's URL above)
  API docs:      $ent_url/api/v1/docs
  demo tokens:   $creds   (owner-only; one per demo user)
  status:        npx swl network status$net_flag
  logs:          npx swl network logs [process] [-f]$net_flag
  stop:          npm stop           (data kept; 'npx swl network down --purge' removes it)

Try it:
  export SWL_TOKEN=\$(node -p "require('$creds').services.enterprise.tokens['enterprise:alpha']")
  curl --cacert $ent_ca -H "Authorization: Bearer \$SWL_TOKEN" $ent_url/api/v1/me
  curl --cacert $customs_ca $customs_url/api/v1/verify/\$(sha256sum README.md | cut -c1-64)
  npx swl verify README.md$net_flag
MSG
