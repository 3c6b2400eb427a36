#!/usr/bin/env bash
# The query API over a big embedded store against DuckDB's own scan floor on the same file (issue 12).
# STORE_DIR: a data directory holding analytics.duckdb (e.g. after `java -jar ... import` of
# bench/store's generated file: `bench/store/run.sh generate 5000000` then the README's import command).
# Each query: five runs through POST /api/v2/query (a new cache key each run: the limit differs),
# median wall time from curl of those answered 200 (a refusal shows as its status and error code); then the floor: ScanFloor.java on the same file, the server stopped.
# Environment: STORE_DIR (required), SITE [clozette-id], FROM [2026-10-01], TO [2026-10-31], NEEDLE [/looks/],
# SKIP_BUILD [0], JAVA_OPTS [-Xmx384m], JAR [server/target/clozette-analytics.jar] (another build, for before/after),
# CONFIG [config/analytics.yaml] (e.g. a copy with another duckdb.memoryLimitMb), FLOOR_MEMORY_LIMIT [128MB: the server's] (the floor's DuckDB memory limit; its distinct count needs more at 30M events).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${STORE_DIR:?a data directory with analytics.duckdb}"
SITE=${SITE:-clozette-id}; FROM=${FROM:-2026-10-01}; TO=${TO:-2026-10-31}; NEEDLE=${NEEDLE:-/looks/}
JAVA_OPTS=${JAVA_OPTS:--Xmx384m}
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then (cd "$ROOT" && mvn -B -ntp -q -pl server -am package -DskipTests); fi
JAR=${JAR:-"$ROOT/server/target/clozette-analytics.jar"}
TOKEN=bench-staff-token-0123456789abcdef
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ANALYTICS_CONFIG="${CONFIG:-$ROOT/config/analytics.yaml}" ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT=$PORT ANALYTICS_DATA_DIR="$STORE_DIR" \
  ANALYTICS_STAFF_TOKEN=$TOKEN MALLOC_ARENA_MAX=2 java $JAVA_OPTS -jar "$JAR" > "$STORE_DIR/../query-bench-server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.25; done
RANGE="\"site\": \"$SITE\", \"dateRange\": [\"$FROM\", \"$TO\"]"
declare -A QUERIES=(
  [1-unfiltered]="{$RANGE, \"metrics\": [\"pageviews\", \"visitors\", \"sessions\", \"bounceRate\"]}"
  [2-filtered]="{$RANGE, \"metrics\": [\"pageviews\", \"visitors\", \"sessions\", \"bounceRate\"], \"filters\": [[\"contains\", \"page\", [\"$NEEDLE\"]]]}"
  [3-filtered-by-day-compared]="{$RANGE, \"metrics\": [\"pageviews\", \"visitors\", \"sessions\", \"bounceRate\"], \"dimensions\": [\"time:day\"], \"filters\": [[\"contains\", \"page\", [\"$NEEDLE\"]], [\"is\", \"platform\", [\"web\"]]], \"compare\": \"previous_period\"}"
  [4-filtered-top-pages]="{$RANGE, \"metrics\": [\"pageviews\", \"visitors\"], \"dimensions\": [\"page\"], \"filters\": [[\"contains\", \"page\", [\"$NEEDLE\"]]]}"
)
printf '| query | median ms | runs ms |\n| --- | --- | --- |\n'
for name in $(printf '%s\n' "${!QUERIES[@]}" | sort); do
  runs=()
  for i in 1 2 3 4 5; do
    body=${QUERIES[$name]%\}}", \"limit\": $((100 + i))}"
    answer=$(curl -s -o "$STORE_DIR/../query-bench-answer.json" -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' --data "$body" "http://127.0.0.1:$PORT/api/v2/query")
    # a refusal is not a time: it is shown as the status and its error code
    if [[ ${answer%% *} != 200 ]]; then
      runs+=("${answer%% *}:$(python3 -c "import json,sys; print(json.load(open(sys.argv[1])).get('error'))" "$STORE_DIR/../query-bench-answer.json")")
      continue
    fi
    runs+=("$(python3 -c "print(round(${answer#* } * 1000))")")
  done
  median=$(printf '%s\n' "${runs[@]}" | { grep -v ':' || true; } | sort -n | sed -n 3p)
  printf '| %s | %s | %s |\n' "$name" "$median" "${runs[*]}"
done
kill $PID; wait $PID 2>/dev/null || true
trap - EXIT
FROM_MS=$(python3 -c "import datetime as d, zoneinfo as z; print(int(d.datetime.fromisoformat('$FROM').replace(tzinfo=z.ZoneInfo('Asia/Jakarta')).timestamp()*1000))")
TO_MS=$(python3 -c "import datetime as d, zoneinfo as z; print(int((d.datetime.fromisoformat('$TO') + d.timedelta(days=1)).replace(tzinfo=z.ZoneInfo('Asia/Jakarta')).timestamp()*1000))")
java -cp "$JAR" "$ROOT/bench/query/ScanFloor.java" "$STORE_DIR/analytics.duckdb" "$SITE" "$FROM_MS" "$TO_MS" "$NEEDLE" "${FLOOR_MEMORY_LIMIT:-128MB}"
