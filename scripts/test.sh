#!/usr/bin/env bash
# `npm test`: sets everything up, checks types, lint and format, runs the unit
# tests, then the integration tests on one shared test network (`itest`,
# ports from 17000, started fresh) on the default transport (the peer
# Gateway), then the suite's core again on the fabric-network transport
# against the same network, which is stopped at the end.
# Then the fault-injection scenarios, each on a network of its own.
# Ends with one line: "N passed, N failed". Exit status non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
summary=test-results/summary.txt
passed=0
failed=0

finish() {
  printf '%s passed, %s failed\n' "$passed" "$failed" | tee "$summary"
  [ "$failed" -eq 0 ]
  exit $?
}

check() { # check <name> <command...>: a check that counts as one test
  local name="$1"; shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else echo "FAILED: $name"; failed=$((failed + 1)); fi
}

suite() { # suite <name> <mocha args...>: counts mocha's passing/failing
  local name="$1"; shift
  local log="test-results/$name.log"
  echo "== $name"
  npx mocha "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -Eo '^ +[0-9]+ passing' "$log" | grep -Eo '[0-9]+' | tail -1)
  f=$(grep -Eo '^ +[0-9]+ failing' "$log" | grep -Eo '[0-9]+' | tail -1)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ] && [ "${f:-0}" -eq 0 ]; then
    echo "FAILED: $name exited $rc without reporting a failing test"
    failed=$((failed + 1))
  fi
}

if ! bash scripts/setup.sh; then
  failed=$((failed + 1))
  finish
fi

check "typecheck (tests and sources)" npx tsc -p tsconfig.json --noEmit
check "eslint" npx eslint .
check "prettier" npx prettier --check .
suite unit --timeout 20000 'test/unit/**/*.test.ts'
# The network stays up for the second transport's run, which reuses it and stops it.
SWL_TEST_KEEP=1 suite integration --config .mocharc.integration.json 'test/integration/**/*.test.ts'
SWL_TRANSPORT=fabric-network SWL_TEST_REUSE=1 suite integration-fabric-network \
  --config .mocharc.integration.json \
  test/integration/documents.test.ts test/integration/events.test.ts \
  test/integration/endorsement.test.ts test/integration/provenance.test.ts \
  'test/integration/sdk/*.test.ts' 'test/integration/badinput/*.test.ts'
suite faults --config .mocharc.faults.json 'test/faults/**/*.test.ts'
check "bench --quick (smoke run, no speed asserted)" node tools/bench/dist/main.js --quick --out test-results/bench
finish
