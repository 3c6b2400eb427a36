#!/usr/bin/env bash
# fdatasync per small append in a growing file against a preallocated (zero-filled) one, on the disk that
# holds DIR (issue 11): what the event log's group commit pays under fsync: always, and what
# log.preallocate saves. FdatasyncMicro.java runs the modes alternately, ROUNDS times, each at most
# APPENDS appends or SECONDS seconds, and prints the median rate and p50/p99 latency of write+fdatasync.
#
# Environment (defaults in brackets): DIR [a fresh directory under /tmp; put it on the data disk],
# APPEND_BYTES [4096], APPENDS [2000], SECONDS_PER_MODE [5], ROUNDS [3].
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
APPEND_BYTES=${APPEND_BYTES:-4096}
APPENDS=${APPENDS:-2000}
SECONDS_PER_MODE=${SECONDS_PER_MODE:-5}
ROUNDS=${ROUNDS:-3}
if [[ -n "${DIR:-}" ]]; then
  WORK=$(mktemp -d "$DIR/fdatasync-micro.XXXXXX")
else
  WORK=$(mktemp -d /tmp/fdatasync-micro.XXXXXX)
fi
trap 'rm -rf "$WORK"' EXIT

echo "$(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg); filesystem: $(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}')"
# Bounded: 4 modes x ROUNDS x SECONDS_PER_MODE, plus the JVM's start and the files' preparation.
timeout $((4 * ROUNDS * SECONDS_PER_MODE + 60)) \
  java "$HERE/FdatasyncMicro.java" "$WORK" "$APPEND_BYTES" "$APPENDS" "$SECONDS_PER_MODE" "$ROUNDS"
