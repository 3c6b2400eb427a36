#!/usr/bin/env bash
# Store benchmarks: import throughput and 30-day report latency against query-time sessionisation.
# usage: bench/store/run.sh [import EVENTS] [report EVENTS]   (default: import 5000000 report 30000000)
# Data goes to ${BENCH_DIR:-/tmp/clozette-bench}; the 30M-event store is built once and reused.
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_DIR=${BENCH_DIR:-/tmp/clozette-bench}
mvn -q -B -DskipTests install -pl bench/store -am
mvn -q -B dependency:build-classpath -pl bench/store -Dmdep.outputFile=target/classpath.txt >/dev/null
CP=$(cat bench/store/target/classpath.txt)
run() { java -Xmx8g -cp "bench/store/target/classes:$CP" com.clozette.analytics.bench.StoreBenchmark "$@"; }
if [ $# -eq 0 ]; then set -- import 5000000 report 30000000; fi
while [ $# -ge 2 ]; do
  echo "== $1 $2 ($(date -u +%FT%TZ), $(nproc) cores)"
  run "$1" "$2" "$BENCH_DIR"
  shift 2
done
