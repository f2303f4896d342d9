#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs a local cluster.
#
#   bash .ci/demo.sh
#
# Starts three nodes on loopback addresses (examples/hello_cluster, a small
# program on the C API), lets them find each other, then has one leave
# gracefully and kills another, printing what the survivor sees at each
# step. Everything binds 127.0.0.x only and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
bash .ci/setup.sh

BIN=build/examples/hello_cluster
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

start() { # name bind [seed]
  "$BIN" "$@" >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}

wait_for() { # file pattern seconds
  local end=$((SECONDS + $3))
  while [ $SECONDS -lt $end ]; do
    if grep -q "$2" "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "demo: timed out waiting for '$2' in $1" >&2
  tail -n 20 "$1" >&2
  return 1
}

echo "== starting node-1, node-2 and node-3 on 127.0.0.41..43"
start node-1 127.0.0.41:7946
sleep 0.5
start node-2 127.0.0.42:7946 127.0.0.41:7946
start node-3 127.0.0.43:7946 127.0.0.41:7946
wait_for "$WORK/node-1.log" "node-3 .* alive" 20
wait_for "$WORK/node-1.log" "node-2 .* alive" 20
echo "== node-1 sees:"
awk '/^members of node-1/ {table = ""} /^members of node-1/ || /^  / {table = table $0 "\n"} END {printf "%s", table}' "$WORK/node-1.log"

echo "== node-2 leaves gracefully (SIGINT)"
kill -INT "${PIDS[1]}"
wait_for "$WORK/node-1.log" "node-2 .* left" 20
echo "== node-3 is killed (SIGKILL)"
kill -9 "${PIDS[2]}"
wait_for "$WORK/node-1.log" "node-3 .* failed" 30
echo "== node-1 now sees:"
awk '/^members of node-1/ {table = ""} /^members of node-1/ || /^  / {table = table $0 "\n"} END {printf "%s", table}' "$WORK/node-1.log"
echo "== demo done"
