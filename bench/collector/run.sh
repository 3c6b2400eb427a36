#!/usr/bin/env bash
# The collector against two references on this machine, side by side (issues 3 and 6):
#   nginx      nginx-light's empty_gif, access log unbuffered      (GET /p.gif; POST /collect: return 204)
#   bare       a bare Vert.x 5 server on native epoll (BareGif.java): the framework's ceiling
#   collector  server/target/clozette-analytics.jar, sink: log (the embedded default): validation,
#              enrichment, cookie, durable append to the local event log; the loader tailing the log
#              into DuckDB runs in the same process
#   baseline   another build of the jar (BASELINE_JAR, e.g. one built from main and copied aside), run
#              exactly as collector: a before/after comparison measured in the same run, alternating,
#              so that a machine whose load changes over minutes treats both alike (issue 11)
#   collector-only  the collector alone (CollectorOnly.java on the jar's class path): the same routes,
#              validation, binary record and durable append (FSYNC), one HTTP server per core, no loader,
#              DuckDB or API (issue 11)
#   baseline-only  the same with BASELINE_JAR on the class path (its own LogSettings.defaults())
#   collector-only@POLICY, baseline-only@POLICY  either of them with log fsync POLICY (always | interval |
#              never) instead of FSYNC, so that policies compare in one run, e.g. TARGETS="collector-only@always
#              collector-only@interval baseline-only@always baseline-only@interval"; the report then adds
#              always/interval per jar and collector-only/baseline-only per policy
#   collector-kafka  the same jar with store: druid, sink: kafka: an event is acknowledged once Kafka
#              (a single KRaft broker started here, a child JVM from scale-test/target/kafka/lib) acked
#              it (acks=all, idempotent producer); the Kafka Streams processor (dedupe, sessions) runs in
#              the same process. Druid is not started: its URLs point at a closed port (the server only
#              retries submitting its supervisors in the background)
# Runs alternate target by target, round by round (after each collector run, until its loader, or its
# stream processor, has caught up, so every target meets an idle machine); reports the median req/s,
# p50 and p99 of each, the ratios to nginx (and Kafka/log), non-2xx answers, CPU per request of the
# collector (and of the Kafka broker) and peak RSS. Figures go to BENCHMARKS.md.
#
# Environment (defaults in brackets): TARGETS ["nginx bare collector"] (any of nginx, bare, collector,
# baseline, collector-only, collector-kafka; nginx is always run: it is the reference), BASELINE_JAR [] (required with baseline), BASELINE_CONFIG [config/analytics.yaml] (the baseline's own when it predates a key), ROUNDS [3], DURATION [10s], THREADS [2],
# CONNECTIONS [64], VISITORS [1, or 10000 with collector-kafka] (1: every request is visitor
# bench-visitor-0001, as in the first figures; N: a visitor id drawn at random from N per request, see
# pixel.lua. The stream processor keeps a visitor's whole timeline in one state entry, so one visitor
# with hundreds of thousands of events slows it to tens of events/s), FSYNC [always] (the collector's log.fsync:
# always | interval | never), SKIP_BUILD [0], MVN_FLAGS [] (e.g. -o), COLLECTOR_JAVA_OPTS [-Xmx1g],
# KAFKA_JAVA_OPTS [-Xms512m -Xmx512m -XX:+UseSerialGC], IDLE_TIMEOUT [180] (seconds to wait for a
# collector to catch up), KEEP_LOGS [] (a directory to copy the servers' logs to on exit).
# Needs root for apt-get when nginx or wrk is missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
FSYNC=${FSYNC:-always}
COLLECTOR_JAVA_OPTS=${COLLECTOR_JAVA_OPTS:--Xmx1g}
KAFKA_JAVA_OPTS=${KAFKA_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseSerialGC}
MVN_FLAGS=${MVN_FLAGS:-}
IDLE_TIMEOUT=${IDLE_TIMEOUT:-180}
read -r -a TARGETS <<<"${TARGETS:-nginx bare collector}"
[[ " ${TARGETS[*]} " == *" nginx "* ]] || TARGETS=(nginx "${TARGETS[@]}")
wants() { [[ " ${TARGETS[*]} " == *" $1 "* ]]; }
if wants collector-kafka; then export VISITORS=${VISITORS:-10000}; else export VISITORS=${VISITORS:-1}; fi
# Free loopback ports, chosen now: others may be running servers on this machine.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
NGINX_PORT=$(free_port)
BARE_PORT=$(free_port)
COLLECTOR_PORT=$(free_port)
BASELINE_PORT=$(free_port)
ONLY_PORT=$(free_port)
KAFKA_COLLECTOR_PORT=$(free_port)
KAFKA_PORT=$(free_port)
KAFKA_CONTROLLER_PORT=$(free_port)
CLOSED_PORT=$(free_port) # nothing listens there: Druid's URLs in Kafka mode

WORK=$(mktemp -d /tmp/collector-bench.XXXXXX)
PIDS=()
# Stops a process started here: TERM, then KILL after 20 s (a Kafka-mode collector may hang in its
# stream processor's close, or on a broker already gone).
stop_pid() {
  local pid=$1 deadline=$((SECONDS + 20))
  kill "$pid" 2>/dev/null || return 0
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then log "process $pid did not stop on TERM in 20 s: KILL"; kill -9 "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  # In reverse order of start: the collectors before the Kafka broker they talk to.
  local i
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop_pid "${PIDS[i]}"; done
  if [[ -f "$WORK/nginx/nginx.pid" ]]; then kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true; fi
  if [[ -n "${KEEP_LOGS:-}" ]]; then mkdir -p "$KEEP_LOGS" && cp "$WORK"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; fi
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
    # shellcheck disable=SC2086
    (cd "$ROOT" && mvn -q -B $MVN_FLAGS -DskipTests -pl server -am package)
  fi
  if wants bare; then
    # shellcheck disable=SC2086
    (cd "$ROOT" && mvn -q -B $MVN_FLAGS -pl server dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/classpath.txt" >/dev/null)
  fi
  if wants collector-kafka && [[ ! -d "$ROOT/scale-test/target/kafka/lib" ]]; then
    log "copying the Kafka jars into scale-test/target/kafka/lib (profile druid; fetches the Druid jars too, ~260 MB)"
    # shellcheck disable=SC2086
    (cd "$ROOT" && mvn -q -B $MVN_FLAGS -Pdruid -pl scale-test generate-test-resources)
  fi
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

# Starts a log-mode collector: start_collector [target jar port] (defaults: collector, the built jar).
start_collector() {
  local target=${1:-collector} jar=${2:-$ROOT/server/target/clozette-analytics.jar} port=${3:-$COLLECTOR_PORT}
  local config=$ROOT/config/analytics.yaml
  [[ $target == baseline ]] && config=${BASELINE_CONFIG:-$config}
  mkdir -p "$WORK/data-$target"
  # shellcheck disable=SC2086
  ANALYTICS_CONFIG="$config" ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT=$port \
    ANALYTICS_DATA_DIR="$WORK/data-$target" ANALYTICS_FSYNC=$FSYNC \
    java $COLLECTOR_JAVA_OPTS -jar "$jar" > "$WORK/$target.log" 2>&1 &
  PID_OF[$target]=$!
  PIDS+=("$!")
  await_up "http://127.0.0.1:$port/health"
  grep -o 'native transport: [a-z]*' "$WORK/$target.log" | sed "s/^/[bench] $target /" >&2 || true
}

# Starts the collector alone: start_collector_only TARGET, TARGET being collector-only or baseline-only,
# optionally followed by @POLICY (the log's fsync; FSYNC without it). Each gets its own port and data.
start_collector_only() {
  local target=$1 jar=$ROOT/server/target/clozette-analytics.jar policy=$FSYNC port
  [[ $target == baseline-only* ]] && jar=$BASELINE_JAR
  [[ $target == *@* ]] && policy=${target#*@}
  if [[ $target == collector-only ]]; then port=$ONLY_PORT; else port=$(free_port); fi
  ONLY_PORT_OF[$target]=$port
  mkdir -p "$WORK/data-$target"
  # shellcheck disable=SC2086
  java $COLLECTOR_JAVA_OPTS -cp "$jar" "$ROOT/bench/collector/CollectorOnly.java" \
    "$port" "$WORK/data-$target" "$policy" > "$WORK/$target.log" 2>&1 &
  PID_OF[$target]=$!
  PIDS+=("$!")
  await_up "http://127.0.0.1:$port/health"
  grep -o 'native transport: [a-z]*, fsync [A-Z]*' "$WORK/$target.log" | sed "s/^/[bench] $target /" >&2 || true
}

# A single-node KRaft Kafka 4.1 as the scale-test's DruidCluster starts it, on free loopback ports.
start_kafka() {
  mkdir -p "$WORK/kafka"
  ln -s "$ROOT/scale-test/target/kafka/lib" "$WORK/kafka/lib"
  cp "$ROOT/scale-test/src/test/cluster/conf/kafka/log4j2.xml" "$WORK/kafka/"
  sed -e "s#localhost:29093#127.0.0.1:$KAFKA_CONTROLLER_PORT#g; s#localhost:29092#127.0.0.1:$KAFKA_PORT#g" \
    -e "s#@ROOT@/var/kafka-logs#$WORK/kafka/data#" \
    "$ROOT/scale-test/src/test/cluster/conf/kafka/server.properties" > "$WORK/kafka/server.properties"
  local tool=(-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlog4j.configurationFile=log4j2.xml -cp 'lib/*') id
  id=$(cd "$WORK/kafka" && java "${tool[@]}" kafka.tools.StorageTool random-uuid | tail -1)
  (cd "$WORK/kafka" && java "${tool[@]}" kafka.tools.StorageTool format -t "$id" -c server.properties > format.log 2>&1)
  # shellcheck disable=SC2086
  (cd "$WORK/kafka" && exec java $KAFKA_JAVA_OPTS -Dlog4j.configurationFile=log4j2.xml -cp 'lib/*' kafka.Kafka server.properties) > "$WORK/kafka.log" 2>&1 &
  PID_OF[kafka]=$!
  PIDS+=("$!")
  local deadline=$((SECONDS + 90))
  until python3 -c "import socket; socket.create_connection(('127.0.0.1', $KAFKA_PORT), 1)" 2>/dev/null; do
    if ((SECONDS > deadline)); then log "Kafka did not listen on $KAFKA_PORT"; exit 1; fi
    sleep 0.5
  done
}

start_collector_kafka() {
  mkdir -p "$WORK/data-kafka"
  # shellcheck disable=SC2086
  ANALYTICS_CONFIG="$ROOT/config/analytics.yaml" ANALYTICS_HOST=127.0.0.1 ANALYTICS_PORT=$KAFKA_COLLECTOR_PORT \
    ANALYTICS_DATA_DIR="$WORK/data-kafka" ANALYTICS_STORE=druid ANALYTICS_SINK=kafka \
    ANALYTICS_KAFKA_BOOTSTRAP=127.0.0.1:$KAFKA_PORT ANALYTICS_DRUID_SPEC_DIR="$ROOT/config/druid" \
    ANALYTICS_DRUID_URL=http://127.0.0.1:$CLOSED_PORT ANALYTICS_DRUID_OVERLORD_URL=http://127.0.0.1:$CLOSED_PORT \
    java $COLLECTOR_JAVA_OPTS -jar "$ROOT/server/target/clozette-analytics.jar" > "$WORK/collector-kafka.log" 2>&1 &
  PID_OF[collector-kafka]=$!
  PIDS+=("$!")
  await_up "http://127.0.0.1:$KAFKA_COLLECTOR_PORT/health"
  # The bench's two requests must be accepted (acknowledged by Kafka) before anything is measured.
  local code
  for endpoint in pixel collect; do
    code=$(VISITORS=1 timeout 30 wrk -t1 -c1 -d1s -s "$ROOT/bench/collector/$endpoint.lua" "http://127.0.0.1:$KAFKA_COLLECTOR_PORT$(path_of $endpoint)" | grep -c 'Non-2xx' || true)
    if [[ $code != 0 ]]; then log "collector-kafka answers non-2xx to $endpoint; see its log"; tail -20 "$WORK/collector-kafka.log" >&2; exit 1; fi
  done
}

declare -A PID_OF=()
declare -A ONLY_PORT_OF=()

port_of() {
  if [[ -n "${ONLY_PORT_OF[$1]:-}" ]]; then echo "${ONLY_PORT_OF[$1]}"; return; fi
  case $1 in
    nginx) echo $NGINX_PORT ;; bare) echo $BARE_PORT ;; collector) echo $COLLECTOR_PORT ;; baseline) echo $BASELINE_PORT ;; collector-only) echo $ONLY_PORT ;;
    collector-kafka) echo $KAFKA_COLLECTOR_PORT ;;
  esac
}

path_of() { if [[ $1 == pixel ]]; then echo /p.gif; else echo /collect; fi; }

# CPU seconds (user + system) a process has used so far.
cpu_of() {
  local pid=$1
  [[ -n "$pid" && -r /proc/$pid/stat ]] || { echo 0; return; }
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/.*\) /, ""); print ($12 + $13) / hz }' "/proc/$pid/stat"
}

# Runs wrk once; prints "req_per_s p50_ms p99_ms requests non_2xx_and_errors".
run_wrk() {
  local target=$1 endpoint=$2 duration=$3 port out
  port=$(port_of "$target")
  out=$(timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$duration" --latency -s "$ROOT/bench/collector/$endpoint.lua" "http://127.0.0.1:$port$(path_of "$endpoint")")
  if grep -q -E 'Non-2xx|Socket errors' <<<"$out"; then log "$target $endpoint: $(grep -E 'Non-2xx|Socket errors' <<<"$out" | tr -s ' \n' ' ')"; fi
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 } / requests in / { n = $1 }
    /Non-2xx/ { bad += $NF } /Socket errors/ { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) bad += $i + 0 }
    END { printf "%.0f %.2f %.2f %d %d\n", rps, p50, p99, n, bad }' <<<"$out"
}

# A collector's process keeps working after a run: in log mode the loader loads the log into DuckDB,
# in Kafka mode the stream processor reads the events topic. Wait (at most IDLE_TIMEOUT s) until it
# has caught up, so that the next target is measured on an idle machine. Prints the seconds waited
# (suffixed "+" when it had not caught up).
await_idle() {
  local target=$1 start=$SECONDS
  [[ $target == collector || $target == baseline || $target == collector-kafka ]] || { echo 0; return; }
  while ((SECONDS - start < IDLE_TIMEOUT)); do
    if [[ $target == collector || $target == baseline ]]; then
      curl -s "http://127.0.0.1:$(port_of "$target")/metrics" | awk '/^analytics_log_lag_bytes/ { lag = int($2) } END { exit !(lag == 0 && NR > 0) }' && break
    else
      # Every event the collector appended to Kafka has been read by the stream processor.
      curl -s "http://127.0.0.1:$KAFKA_COLLECTOR_PORT/metrics" | awk '
        /^analytics_events_appended_total\{source="collector"\}/ { appended = $2 }
        /^analytics_stream_events_total/ { seen += $2 }
        END { exit !(appended > 0 && seen >= appended) }' && break
    fi
    sleep 1
  done
  if ((SECONDS - start >= IDLE_TIMEOUT)); then echo "$((SECONDS - start))+"; else echo $((SECONDS - start)); fi
}

# Samples the RSS (KiB) of the collectors and of Kafka every second while the runs last; keeps each peak.
sample_rss() {
  local name rss
  declare -A peak=()
  while [[ -f "$WORK/sampling" ]]; do
    for name in "${!PID_OF[@]}"; do
      rss=$(ps -o rss= -p "${PID_OF[$name]}" 2>/dev/null | tr -d ' ')
      [[ -n "$rss" ]] || continue
      ((rss > ${peak[$name]:-0})) && peak[$name]=$rss
    done
    for name in "${!peak[@]}"; do echo "$name ${peak[$name]}"; done > "$WORK/rss_peak.tmp"
    mv "$WORK/rss_peak.tmp" "$WORK/rss_peak"
    sleep 1
  done
}

main() {
  ensure_tools
  build
  start_nginx
  if wants bare; then start_bare; fi
  if wants collector; then start_collector; fi
  for target in "${TARGETS[@]}"; do
    if [[ $target == baseline-only* && ! -f "${BASELINE_JAR:-}" ]]; then log "$target needs BASELINE_JAR, a jar file"; exit 1; fi
    if [[ $target == collector-only* || $target == baseline-only* ]]; then start_collector_only "$target"; fi
  done
  if wants baseline; then
    [[ -f "${BASELINE_JAR:-}" ]] || { log "baseline needs BASELINE_JAR, a jar file"; exit 1; }
    start_collector baseline "$BASELINE_JAR" "$BASELINE_PORT"
  fi
  if wants collector-kafka; then start_kafka; start_collector_kafka; fi
  log "targets: ${TARGETS[*]}; visitors: $VISITORS; load: $(cut -d' ' -f1-3 /proc/loadavg); warming up every target (${DURATION} each, not recorded)"
  local target endpoint round waited
  for target in "${TARGETS[@]}"; do
    for endpoint in pixel collect; do run_wrk "$target" "$endpoint" "$DURATION" >/dev/null; done
    waited=$(await_idle "$target")
    [[ $target == collector* || $target == baseline ]] && log "$target caught up $waited s after the warm-up"
  done
  : > "$WORK/results"
  touch "$WORK/sampling"
  sample_rss &
  PIDS+=($!)
  local rps p50 p99 n bad c0 k0 c1 k1 c2 k2
  for round in $(seq 1 "$ROUNDS"); do
    for endpoint in pixel collect; do
      for target in "${TARGETS[@]}"; do
        c0=$(cpu_of "${PID_OF[$target]:-}"); k0=$(cpu_of "${PID_OF[kafka]:-}")
        read -r rps p50 p99 n bad < <(run_wrk "$target" "$endpoint" "$DURATION")
        c1=$(cpu_of "${PID_OF[$target]:-}"); k1=$(cpu_of "${PID_OF[kafka]:-}")
        waited=$(await_idle "$target")
        c2=$(cpu_of "${PID_OF[$target]:-}"); k2=$(cpu_of "${PID_OF[kafka]:-}")
        log "round $round $endpoint $target: $rps req/s, p50 $p50 ms, p99 $p99 ms, $n requests, $bad non-2xx/errors$([[ $target == collector* || $target == baseline ]] && echo ", caught up after $waited s")"
        echo "$endpoint $target $rps $p50 $p99 $n $bad $c0 $c1 $c2 $k0 $k1 $k2 ${waited%+}" >> "$WORK/results"
      done
    done
  done
  rm -f "$WORK/sampling"
  sleep 1.5
  echo
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS rounds (medians), $(nproc) cores, visitors $VISITORS, collector fsync=$FSYNC (a target's @POLICY overrides it), $COLLECTOR_JAVA_OPTS"
  echo
  python3 - "$WORK/results" "$WORK/rss_peak" "${TARGETS[@]}" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
targets = sys.argv[3:]
med = {}
for endpoint, target, rps, p50, p99, n, bad, c0, c1, c2, k0, k1, k2, waited in rows:
    med.setdefault((endpoint, target), []).append(dict(
        rps=float(rps), p50=float(p50), p99=float(p99), n=int(n), bad=int(bad),
        cpu_run=float(c1) - float(c0), cpu_after=float(c2) - float(c1),
        kafka_run=float(k1) - float(k0), kafka_after=float(k2) - float(k1), waited=float(waited)))
def m(runs, key):
    return statistics.median(r[key] for r in runs)
name = {"pixel": "GET /p.gif", "collect": "POST /collect"}
print("| endpoint | target | req/s | p50 ms | p99 ms | req/s vs nginx | p99 vs nginx | non-2xx/errors |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
for endpoint in ("pixel", "collect"):
    base = med[(endpoint, "nginx")]
    for target in targets:
        runs = med[(endpoint, target)]
        print(f"| {name[endpoint]} | {target} | {m(runs, 'rps'):,.0f} | {m(runs, 'p50'):.2f} | {m(runs, 'p99'):.2f} | "
              f"{m(runs, 'rps') / m(base, 'rps'):.2f}x | {m(runs, 'p99') / m(base, 'p99'):.2f}x | {sum(r['bad'] for r in runs)} |")
def ratio_table(pairs, column=None):
    """Each pair's numerator over its denominator, per endpoint; with column, one pair named in the header."""
    print()
    if column:
        print(f"| endpoint | {column} req/s | {column} p50 | {column} p99 |")
        print("| --- | ---: | ---: | ---: |")
    else:
        print("| endpoint | ratio | req/s | p50 | p99 |")
        print("| --- | --- | ---: | ---: | ---: |")
    for endpoint in ("pixel", "collect"):
        for num, den, label in pairs:
            a, b = med[(endpoint, num)], med[(endpoint, den)]
            cells = f"{m(a, 'rps') / m(b, 'rps'):.2f}x | {m(a, 'p50') / m(b, 'p50'):.2f}x | {m(a, 'p99') / m(b, 'p99'):.2f}x"
            print(f"| {name[endpoint]} | {cells} |" if column else f"| {name[endpoint]} | {label} | {cells} |")
if "collector" in targets and "baseline" in targets:
    ratio_table([("collector", "baseline", None)], "collector/baseline")
alone = [t for t in targets if t.split("@")[0] in ("collector-only", "baseline-only") and "@" in t]
if alone:
    # The collector alone per jar and fsync policy: always against interval, this build against the baseline.
    policies = sorted({t.split("@")[1] for t in alone})
    jars = [j for j in ("collector-only", "baseline-only") if any(t.startswith(j + "@") for t in alone)]
    pairs = [(f"{j}@{a}", f"{j}@{b}", f"{j}: {a}/{b}") for j in jars for a, b in (("always", "interval"), ("always", "never"))
             if f"{j}@{a}" in targets and f"{j}@{b}" in targets]
    pairs += [(f"collector-only@{p}", f"baseline-only@{p}", f"{p}: collector-only/baseline-only") for p in policies
              if f"collector-only@{p}" in targets and f"baseline-only@{p}" in targets]
    if pairs:
        ratio_table(pairs)
if "collector" in targets and "collector-kafka" in targets:
    ratio_table([("collector-kafka", "collector", None)], "Kafka/log")
collectors = [t for t in targets if t.startswith("collector") or t.startswith("baseline")]
if collectors:
    print()
    print("CPU per request (medians; 'during' = the wrk run, 'after' = until caught up, divided by the run's requests):")
    print()
    print("| endpoint | target | collector µs/req during | collector µs/req after | Kafka broker µs/req during | Kafka broker µs/req after | caught up after s |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for endpoint in ("pixel", "collect"):
        for target in collectors:
            runs = med[(endpoint, target)]
            per = lambda key: statistics.median(r[key] / r["n"] * 1e6 for r in runs)
            broker = (f"{per('kafka_run'):.1f} | {per('kafka_after'):.1f}" if target == "collector-kafka" else "- | -")
            print(f"| {name[endpoint]} | {target} | {per('cpu_run'):.1f} | {per('cpu_after'):.1f} | {broker} | {m(runs, 'waited'):.0f} |")
try:
    peaks = dict(line.split() for line in open(sys.argv[2]))
except FileNotFoundError:
    peaks = {}
print()
print("peak RSS under load: " + ", ".join(f"{k} {int(v) / 1024:,.0f} MiB" for k, v in sorted(peaks.items())))
PY
}

main "$@"
