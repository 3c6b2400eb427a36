#!/usr/bin/env bash
# Memory of the default start (issue 10): the shipped jar, started as README's first command starts it
# (JAVA_OPTS, default the README's "-Xmx512m"; the config's duckdb defaults), under
#   1. an import of EVENTS generated events (bench/store's traffic generator) through POST /api/v1/import,
#   2. then DURATION of beacon load: wrk on GET /p.gif with VISITORS random visitor ids (bench/collector/pixel.lua).
# The server log is kept in $BENCH_DIR/memory-server.log. Samples the server's RSS (VmRSS) every 0.5 s and prints the peak of each phase, with the import's time
# and the beacons' rate. Loopback only; every phase is bounded in time.
# usage: bench/memory/run.sh   env: EVENTS [5000000] DURATION [60s] VISITORS [200000] JAVA_OPTS [-Xmx512m]
#        SKIP_BUILD [0] BENCH_DIR [/tmp/clozette-bench] (where the generated NDJSON is kept for reuse)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
EVENTS=${EVENTS:-5000000}
DURATION=${DURATION:-60s}
export VISITORS=${VISITORS:-200000}
JAVA_OPTS=${JAVA_OPTS:--Xmx512m}
BENCH_DIR=${BENCH_DIR:-/tmp/clozette-bench}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cd "$ROOT"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  mvn -q -B -DskipTests package -pl server,bench/store -am
fi
mvn -q -B dependency:build-classpath -pl bench/store -Dmdep.outputFile=target/classpath.txt >/dev/null
NDJSON="$BENCH_DIR/import-$EVENTS.ndjson"
mkdir -p "$BENCH_DIR"
[ -f "$NDJSON" ] || java -cp "bench/store/target/classes:$(cat bench/store/target/classpath.txt)" \
  com.clozette.analytics.bench.StoreBenchmark generate "$EVENTS" "$BENCH_DIR"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
WORK=$(mktemp -d /tmp/memory-bench.XXXXXX)
TOKEN=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
ANALYTICS_PORT=$PORT ANALYTICS_HOST=127.0.0.1 ANALYTICS_DATA_DIR="$WORK/data" ANALYTICS_STAFF_TOKEN=$TOKEN \
  ANALYTICS_CONFIG="$ROOT/config/analytics.yaml" java $JAVA_OPTS -jar "$ROOT/server/target/clozette-analytics.jar" \
  >"$WORK/server.log" 2>&1 &
SERVER=$!
SAMPLER=
cleanup() { [ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null; kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; cp "$WORK/server.log" "$BENCH_DIR/memory-server.log"; rm -rf "$WORK"; }
trap cleanup EXIT
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.5; done
sample() { while kill -0 "$SERVER" 2>/dev/null; do awk '/VmRSS/ {print $2}' "/proc/$SERVER/status" >>"$1"; sleep 0.5; done; }
peak() { sort -n "$1" | tail -1 | awk '{printf "%.0f MB", $1 / 1024}'; }

echo "== $(date -u +%FT%TZ), $(nproc) cores, JAVA_OPTS=$JAVA_OPTS, $(java -version 2>&1 | head -1)"
echo "after start: RSS $(awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' /proc/$SERVER/status)"
sample "$WORK/import.rss" & SAMPLER=$!
START=$(date +%s.%N)
curl -sf --max-time 1800 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/x-ndjson' \
  -X POST -T "$NDJSON" "http://127.0.0.1:$PORT/api/v1/import" >"$WORK/import.json"
END=$(date +%s.%N)
kill "$SAMPLER"; SAMPLER=
echo "import of $(wc -l <"$NDJSON") lines ($(du -h "$NDJSON" | cut -f1)): $(python3 -c "print(f'{$END - $START:.1f}')") s, $(cat "$WORK/import.json" | head -c 200)"
echo "import: peak RSS $(peak "$WORK/import.rss")"
sample "$WORK/beacons.rss" & SAMPLER=$!
wrk -t2 -c64 -d"$DURATION" -s "$ROOT/bench/collector/pixel.lua" "http://127.0.0.1:$PORT" | grep -E 'Requests/sec|Non-2xx|Latency' || true
sleep 5
kill "$SAMPLER"; SAMPLER=
echo "beacons: peak RSS $(peak "$WORK/beacons.rss")"
grep -E 'OutOfMemory|ERROR' "$WORK/server.log" | head -5 || true
