#!/usr/bin/env bash
# Runs the unit suite N times (default 20) while two busy processes hold both cores,
# as on the shared CI machines: a test that races the wall clock fails here first.
# Usage: ci/stress-unit.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
busy=()
for _ in 1 2; do
  ( while :; do :; done ) &
  busy+=("$!")
done
trap 'kill "${busy[@]}" 2>/dev/null || true' EXIT
failed=0
for i in $(seq 1 "$runs"); do
  if .venv/bin/pytest -q -p no:cacheprovider -m "not integration and not slow" >"/tmp/lsg-stress-$i.log" 2>&1; then
    echo "run $i/$runs: passed ($(tail -1 "/tmp/lsg-stress-$i.log"))"
  else
    failed=$((failed + 1))
    echo "run $i/$runs: FAILED, log in /tmp/lsg-stress-$i.log"
    grep -E '^(FAILED|ERROR)' "/tmp/lsg-stress-$i.log" || true
  fi
done
echo "$((runs - failed)) of $runs runs passed"
[ "$failed" -eq 0 ]
