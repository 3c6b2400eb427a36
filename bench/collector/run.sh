#!/usr/bin/env bash
# The collector against two references on this machine, side by side (issue 3, "Performance"):
#   nginx   nginx-light's empty_gif, access log unbuffered      (GET /p.gif; POST /collect: return 204)
#   bare    a bare Vert.x 5 server on native epoll (BareGif.java): the framework's ceiling
#   collector  server/target/clozette-analytics.jar: validation, enrichment, cookie, durable append
# Runs alternate target by target, round by round (after each collector run, until its loader has
# caught up with the log, so every target meets an idle machine); reports the median req/s, p50 and
# p99 of each, the ratios to nginx, and the collector's peak RSS. Figures go to BENCHMARKS.md.
#
# Environment (defaults in brackets): ROUNDS [3], DURATION [10s], THREADS [2], CONNECTIONS [64],
# FSYNC [always] (the collector's log.fsync: always | interval | never), SKIP_BUILD [0],
# COLLECTOR_JAVA_OPTS [-Xmx1g]. Needs root for apt-get when nginx or wrk is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
FSYNC=${FSYNC:-always}
COLLECTOR_JAVA_OPTS=${COLLECTOR_JAVA_OPTS:--Xmx1g}
# Free loopback ports, chosen now: others may be running servers on this machine.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
NGINX_PORT=$(free_port)
BARE_PORT=$(free_port)
COLLECTOR_PORT=$(free_port)
UA="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
PIXEL="/p.gif?site=clozette-id&url=https%3A%2F%2Fwww.clozette.co.id%2Flooks%2F1&ref=https%3A%2F%2Fwww.google.com%2F&vid=bench-visitor-0001"

WORK=$(mktemp -d /tmp/collector-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ -f "$WORK/nginx/nginx.pid" ]]; then kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true; fi
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

log() { echo "[bench] $*" >&2; }

ensure_tools() {
  local missing=()
  command -v nginx >/dev/null || missing+=(nginx-light)
  command -v wrk >/dev/null || missing+=(wrk)
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

build() {
  if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    log "building server/target/clozette-analytics.jar"
    (cd "$ROOT" && mvn -q -B -DskipTests -pl server -am package)
  fi
  (cd "$ROOT" && mvn -q -B -pl server dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null)
}

# Waits (at most 90 s) until the URL answers.
await_up() {
  local url=$1 deadline=$((SECONDS + 90))
  until curl -s -o /dev/null "$url"; do
    if ((SECONDS > deadline)); then log "no answer from $url"; exit 1; fi
    sleep 0.5
  done
}

start_nginx() {
  mkdir -p "$WORK/nginx"
  cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log $WORK/nginx/access.log;
  client_body_temp_path $WORK/nginx;
  proxy_temp_path $WORK/nginx;
  fastcgi_temp_path $WORK/nginx;
  uwsgi_temp_path $WORK/nginx;
  scgi_temp_path $WORK/nginx;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /p.gif { empty_gif; }
    location = /collect { return 204; }
  }
}
CONF
  nginx -c "$WORK/nginx/nginx.conf"
  await_up "http://127.0.0.1:$NGINX_PORT/p.gif"
}

start_bare() {
  java -cp "$(cat "$WORK/classpath.txt")" "$ROOT/bench/collector/BareGif.java" "$BARE_PORT" "$(nproc)" > "$WORK/bare.log" 2>&1 &
  PIDS+=($!)
  await_up "http://127.0.0.1:$BARE_PORT/p.gif"
}

start_collector() {
  mkdir -p "$WORK/data"
  # shellcheck disable=SC2086
  ANALYTICS_CONFIG="$ROOT/config/analytics.yaml" ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT=$COLLECTOR_PORT \
    ANALYTICS_DATA_DIR="$WORK/data" ANALYTICS_FSYNC=$FSYNC \
    java $COLLECTOR_JAVA_OPTS -jar "$ROOT/server/target/clozette-analytics.jar" > "$WORK/collector.log" 2>&1 &
  COLLECTOR_PID=$!
  PIDS+=("$COLLECTOR_PID")
  await_up "http://127.0.0.1:$COLLECTOR_PORT/health"
  grep -o 'native transport: [a-z]*' "$WORK/collector.log" | sed 's/^/[bench] collector /' >&2 || true
}

port_of() {
  case $1 in nginx) echo $NGINX_PORT ;; bare) echo $BARE_PORT ;; collector) echo $COLLECTOR_PORT ;; esac
}

# Runs wrk once; prints "req_per_s p50_ms p99_ms".
run_wrk() {
  local target=$1 endpoint=$2 duration=$3 port out
  port=$(port_of "$target")
  if [[ $endpoint == pixel ]]; then
    out=$(timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency -H "User-Agent: $UA" "http://127.0.0.1:$port$PIXEL")
  else
    out=$(timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency -s "$ROOT/bench/collector/collect.lua" "http://127.0.0.1:$port/collect")
  fi
  if grep -q 'Non-2xx' <<<"$out"; then log "$target $endpoint: non-2xx answers: $(grep Non-2xx <<<"$out")"; fi
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
    END { printf "%.0f %.2f %.2f\n", rps, p50, p99 }' <<<"$out"
}

# The collector's process keeps loading its log into DuckDB after a run: wait (at most 180 s) until
# it has caught up, so that the next target is measured on an idle machine. Prints the seconds waited.
await_collector_idle() {
  local start=$SECONDS lag
  while ((SECONDS - start < 180)); do
    lag=$(curl -s "http://127.0.0.1:$COLLECTOR_PORT/metrics" | awk '/^analytics_log_lag_bytes/ { print int($2) }')
    [[ "$lag" == 0 ]] && break
    sleep 1
  done
  echo $((SECONDS - start))
}

# Samples the collector's RSS (KiB) every second while a run lasts; keeps the peak.
sample_rss() {
  local peak=0 rss
  while kill -0 "$COLLECTOR_PID" 2>/dev/null && [[ -f "$WORK/sampling" ]]; do
    rss=$(ps -o rss= -p "$COLLECTOR_PID" | tr -d ' ')
    ((rss > peak)) && peak=$rss
    echo "$peak" > "$WORK/rss_peak"
    sleep 1
  done
}

main() {
  ensure_tools
  build
  start_nginx
  start_bare
  start_collector
  log "warming up every target (${DURATION} each, not recorded)"
  for target in nginx bare collector; do
    for endpoint in pixel collect; do run_wrk "$target" "$endpoint" "$DURATION" >/dev/null; done
  done
  log "collector's loader caught up $(await_collector_idle) s after the warm-up"
  : > "$WORK/results"
  touch "$WORK/sampling"
  sample_rss &
  PIDS+=($!)
  for round in $(seq 1 "$ROUNDS"); do
    for endpoint in pixel collect; do
      for target in nginx bare collector; do
        read -r rps p50 p99 < <(run_wrk "$target" "$endpoint" "$DURATION")
        log "round $round $endpoint $target: $rps req/s, p50 $p50 ms, p99 $p99 ms"
        echo "$endpoint $target $rps $p50 $p99" >> "$WORK/results"
        if [[ $target == collector ]]; then
          log "collector's loader caught up $(await_collector_idle) s after the run"
        fi
      done
    done
  done
  rm -f "$WORK/sampling"
  local rss_mib=$(( $(cat "$WORK/rss_peak" 2>/dev/null || echo 0) / 1024 ))
  echo
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS rounds (medians), $(nproc) cores, collector fsync=$FSYNC, $COLLECTOR_JAVA_OPTS"
  echo
  echo "| endpoint | target | req/s | p50 ms | p99 ms | req/s vs nginx | p99 vs nginx |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
  python3 - "$WORK/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
med = {}
for endpoint, target, rps, p50, p99 in rows:
    med.setdefault((endpoint, target), []).append((float(rps), float(p50), float(p99)))
for endpoint in ("pixel", "collect"):
    base = med[(endpoint, "nginx")]
    base_rps = statistics.median(r[0] for r in base)
    base_p99 = statistics.median(r[2] for r in base)
    for target in ("nginx", "bare", "collector"):
        runs = med[(endpoint, target)]
        rps = statistics.median(r[0] for r in runs)
        p50 = statistics.median(r[1] for r in runs)
        p99 = statistics.median(r[2] for r in runs)
        name = "GET /p.gif" if endpoint == "pixel" else "POST /collect"
        print(f"| {name} | {target} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {rps / base_rps:.2f}x | {p99 / base_p99:.2f}x |")
PY
  echo
  echo "collector peak RSS under load: ${rss_mib} MiB"
}

main "$@"
