#!/usr/bin/env bash
# The loader's batch window (duckdb.loadWindowMs) A/B on the full embedded server (issue 11): the
# shipped jar, default config but for the window, beacons from wrk (GET /p.gif, random visitor ids),
# windows alternated round by round so both meet the same machine. Per run: req/s, p99, the server's
# CPU per beacon (from /proc/<pid>/stat over the run), and the loader's lag at the end.
#
# Environment (defaults in brackets): WINDOWS ["0 250"] (ms), ROUNDS [3], DURATION [15s], WARMUP [10s],
# THREADS [2], CONNECTIONS [64], VISITORS [200000], SKIP_BUILD [0], JAVA_OPTS [-Xmx384m].
# Needs wrk (apt-get install wrk).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
read -r -a WINDOWS <<<"${WINDOWS:-0 250}"
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-15s}; WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-2}; CONNECTIONS=${CONNECTIONS:-64}; export VISITORS=${VISITORS:-200000}
JAVA_OPTS=${JAVA_OPTS:--Xmx384m}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then (cd "$ROOT" && mvn -B -ntp -q -pl server -am package -DskipTests); fi
WORK=$(mktemp -d /tmp/loader-bench.XXXXXX)
PID=
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

printf '| round | loadWindowMs | req/s | p99 ms | CPU us per beacon | loader lag at end s | load average |\n| --- | --- | --- | --- | --- | --- | --- |\n'
for round in $(seq 1 "$ROUNDS"); do
  for window in "${WINDOWS[@]}"; do
    P=$(port)
    sed "s/^  loadWindowMs: .*/  loadWindowMs: $window/" "$ROOT/config/analytics.yaml" > "$WORK/analytics.yaml"
    cp -r "$ROOT/config/druid" "$WORK/druid"
    rm -rf "$WORK/data"
    ANALYTICS_CONFIG="$WORK/analytics.yaml" ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT=$P ANALYTICS_DATA_DIR="$WORK/data" \
      MALLOC_ARENA_MAX=2 java $JAVA_OPTS -jar "$ROOT/server/target/clozette-analytics.jar" > "$WORK/server.log" 2>&1 &
    PID=$!
    for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$P/health" >/dev/null && break; sleep 0.25; done
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$ROOT/bench/collector/pixel.lua" "http://127.0.0.1:$P" >/dev/null
    before=$(ticks "$PID")
    out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/collector/pixel.lua" "http://127.0.0.1:$P")
    after=$(ticks "$PID")
    lag=$(curl -s "http://127.0.0.1:$P/metrics" | awk '/^analytics_loader_lag_seconds /{print $2}')
    requests=$(echo "$out" | awk '/requests in/{print $1}')
    rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
    p99=$(echo "$out" | awk '$1=="99%"{print $2}')
    cpu=$(python3 -c "print(round(($after - $before) / $HZ * 1e6 / $requests, 1))")
    printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$round" "$window" "$rps" "$p99" "$cpu" "$lag" "$(cut -d' ' -f1 /proc/loadavg)"
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  done
done
