#!/usr/bin/env bash
# The main job: installs what is missing, builds, and starts a local cluster
# of three `wkd agent`s in the background, with a few service instances
# whose HTTP checks hit small Python web servers the demo starts too.
#
#   bash .ci/demo.sh          # set up, build, start (harmless to run again)
#   bash .ci/demo.sh stop     # stop them (each leaves the cluster gracefully)
#   bash .ci/demo.sh status   # which are running
#
# Agents agent-1..3 gossip on 127.0.0.1:7474, :7476, :7478 and serve HTTP on
# :7475, :7477, :7479. Three check servers (python3 -m http.server) listen on
# :7490, :7491, :7492 of the same loopback address, never on the wildcard; the
# instances web/web-1, web/web-2 and api/api-1 are registered with HTTP checks
# against them, and web depends on api. `stop` stops the servers too, and so
# does a start that fails. Configuration, logs and PIDs live in .run/.
# (WKD_DEMO_IP moves the cluster to another loopback address; the tests use
# it. WKD_DEMO_SKIP_SETUP=1 skips the set-up and build.)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
IP="${WKD_DEMO_IP:-127.0.0.1}"
RUN="${WKD_DEMO_RUN_DIR:-$ROOT/.run}"
WKD="${WKD_DEMO_BIN:-$ROOT/build/bin/wkd}"
ACTION="${1:-start}"

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

SERVERS="1 2 3"
server_port() { echo $((7489 + $1)); }

stop_servers() {
  for s in $SERVERS; do
    local pidf="$RUN/check-server-$s.pid"
    if pid_alive "$pidf"; then kill -TERM "$(cat "$pidf")" 2>/dev/null || true; fi
    rm -f "$pidf"
  done
}

stop_all() {
  local any=0
  for i in 1 2 3; do
    local pidf="$RUN/agent-$i.pid"
    if pid_alive "$pidf"; then
      any=1
      kill -TERM "$(cat "$pidf")"
    fi
  done
  # Each agent leaves gracefully (bounded by its leave timeout), then exits.
  local end=$((SECONDS + 30))
  for i in 1 2 3; do
    local pidf="$RUN/agent-$i.pid"
    while pid_alive "$pidf" && [ $SECONDS -lt $end ]; do sleep 0.2; done
    if pid_alive "$pidf"; then
      echo "demo: agent-$i did not stop in time; killing it" >&2
      kill -KILL "$(cat "$pidf")" 2>/dev/null || true
    fi
    rm -f "$pidf"
  done
  stop_servers
  if [ $any = 1 ]; then echo "demo: stopped (logs kept in $RUN/)"; else echo "demo: no agent was running"; fi
}

case "$ACTION" in
  stop) stop_all; exit 0 ;;
  status)
    for i in 1 2 3; do
      if pid_alive "$RUN/agent-$i.pid"; then echo "agent-$i running (pid $(cat "$RUN/agent-$i.pid"))";
      else echo "agent-$i stopped"; fi
    done
    for s in $SERVERS; do
      if pid_alive "$RUN/check-server-$s.pid"; then echo "check server $s: up (pid $(cat "$RUN/check-server-$s.pid"))";
      else echo "check server $s: down"; fi
    done
    exit 0 ;;
  start) ;;
  *) echo "usage: bash .ci/demo.sh [start|stop|status]" >&2; exit 2 ;;
esac

if [ "${WKD_DEMO_SKIP_SETUP:-0}" != 1 ]; then
  bash .ci/setup.sh
fi
mkdir -p "$RUN"

for i in 1 2 3; do
  gossip=$((7472 + 2 * i))
  http=$((gossip + 1))
  pidf="$RUN/agent-$i.pid"
  if pid_alive "$pidf"; then
    echo "demo: agent-$i already running (pid $(cat "$pidf"))"
    continue
  fi
  seeds='[]'
  if [ "$i" != 1 ]; then seeds="[\"$IP:7474\"]"; fi
  cat >"$RUN/agent-$i.toml" <<TOML
# agent-$i of the local demo cluster (written by .ci/demo.sh)
[discovery]
node_name = "agent-$i"
bind = "$IP:$gossip"
http = "$IP:$http"
seeds = $seeds
profile = "local"
groups = ["demo"]
database_type = "demo"
snapshot_path = "$RUN/agent-$i.snapshot"

[discovery.tags]
role = "demo"

[agent]
# The demo has no tokens; on an address other than loopback it says so.
allow_unauthenticated_remote = $(case "$IP" in 127.*) echo false ;; *) echo true ;; esac)
TOML
  setsid "$WKD" agent --config "$RUN/agent-$i.toml" </dev/null >>"$RUN/agent-$i.log" 2>&1 &
  echo $! >"$pidf"
  echo "demo: started agent-$i (pid $!), gossip $IP:$gossip, HTTP $IP:$http, log $RUN/agent-$i.log"
done

# Wait until agent-1 sees all three alive.
end=$((SECONDS + 60))
until [ "$("$WKD" members --http "$IP:7475" --state alive 2>/dev/null | tail -n +2 | wc -l)" = 3 ]; do
  for i in 1 2 3; do
    if ! pid_alive "$RUN/agent-$i.pid"; then
      echo "demo: agent-$i exited; its log:" >&2
      tail -n 20 "$RUN/agent-$i.log" >&2
      exit 1
    fi
  done
  if [ $SECONDS -ge $end ]; then
    echo "demo: the agents did not all see each other within 60 s" >&2
    exit 1
  fi
  sleep 0.3
done

# The check servers: each serves $RUN/www (its /health answers 200). A
# failure from here on stops them again.
mkdir -p "$RUN/www"
echo ok >"$RUN/www/health"
trap 'rc=$?; if [ $rc != 0 ]; then stop_servers; fi' EXIT
for s in $SERVERS; do
  pidf="$RUN/check-server-$s.pid"
  if pid_alive "$pidf"; then continue; fi
  setsid python3 -m http.server "$(server_port "$s")" --bind "$IP" --directory "$RUN/www" \
    </dev/null >>"$RUN/check-server-$s.log" 2>&1 &
  echo $! >"$pidf"
done

# Instances on different agents, each checked every second against its server.
register() {  # AGENT_HTTP_PORT SERVICE ID SERVER VERSION
  "$WKD" register --http "$IP:$1" --service "$2" --id "$3" --host "$IP" --port "$(server_port "$4")" \
    --version "$5" --tag demo --health-url "http://$IP:$(server_port "$4")/health" --check-interval-ms 1000 \
    >/dev/null
}
register 7475 web web-1 1 1.4.0
register 7477 web web-2 2 1.4.0
register 7479 api api-1 3 2.1.0
curl -s -o /dev/null -X POST "http://$IP:7475/api/v1/services/web/dependencies" -H 'Content-Type: application/json' \
  -d '{"dependsOn":"api","type":"RUNTIME","required":true}' 2>/dev/null || true

# Wait until agent-1 sees the three instances HEALTHY.
end=$((SECONDS + 30))
until [ "$("$WKD" service web --healthy --json --http "$IP:7475" 2>/dev/null | grep -c '"instanceId"')" = 2 ] &&
      [ "$("$WKD" service api --healthy --json --http "$IP:7475" 2>/dev/null | grep -c '"instanceId"')" = 1 ]; do
  if [ $SECONDS -ge $end ]; then
    echo "demo: the instances did not all turn HEALTHY within 30 s; the check servers' logs are in $RUN/" >&2
    "$WKD" services --http "$IP:7475" >&2 || true
    exit 1
  fi
  sleep 0.3
done

echo
echo "\$ build/bin/wkd members --http $IP:7475"
"$WKD" members --http "$IP:7475"
echo
echo "\$ build/bin/wkd services --http $IP:7475"
"$WKD" services --http "$IP:7475"
echo
echo "\$ build/bin/wkd service web --http $IP:7475"
"$WKD" service web --http "$IP:7475"
echo
echo "The cluster runs in the background. Look at it with:"
echo "    build/bin/wkd members --http $IP:7475"
echo "    build/bin/wkd services --http $IP:7475"
echo "    build/bin/wkd select web --http $IP:7475"
echo "    build/bin/wkd deps web --http $IP:7475"
echo "    build/bin/wkd service api --healthy --json --http $IP:7477"
echo "    curl -s http://$IP:7475/v1/agent/metrics | grep wkd_registry_instances"
echo "Watch a check fail: stop api's server (kill \$(cat $RUN/check-server-3.pid)), then"
echo "    build/bin/wkd services --http $IP:7475"
echo "Stop it all (agents and check servers) with:"
echo "    bash .ci/demo.sh stop"
