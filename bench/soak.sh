#!/usr/bin/env bash
# Sustained misses (no cache) against the pool: rounds of wrk alternating a resize and a
# convolution-heavy WebP URL (the libvips paths liborc's SIMD code serves), with worker deaths,
# errors in imgforge's log, and the pool's resident memory after each round. A crash, a heap
# corruption or steady growth shows here. Recycling is off so one process lives the whole soak.
# usage: bench/soak.sh [minutes] [extra VAR=value ...]   (after `swift build -c release`)
. "$(dirname "$0")/lib.sh"
minutes=${1:-20}
shift || true
vips xyz "$work/xy.v" 1200 800
mkdir -p "$work/images"
vips linear "$work/xy.v" "$work/images/p.jpg" 0.1 0 --uchar
stack_start IMGFORGE_WORKERS=4 IMGFORGE_WORKER_THREADS=1 IMGFORGE_WORKER_MAX_REQUESTS=0 IMGFORGE_LOG_LEVEL=warning "$@"
resize="$base/unsafe/rs:fill:200:150/q:80/plain/local:///p.jpg"
convolve="$base/unsafe/bl:2/sh:1/rs:fit:300:300/plain/local:///p.jpg@webp"

pool_rss() {
    local total=0
    for pid in $(pgrep -P "$imgforge_pid"); do total=$((total + $(awk '/VmRSS/ {print $2}' /proc/$pid/status))); done
    echo "$((total / 1024)) MB"
}

end=$((SECONDS + minutes * 60))
total=0 round=0 failed=0
while [ $SECONDS -lt $end ]; do
    round=$((round + 1))
    for url in "$resize" "$convolve"; do
        wrk -t2 -c4 -d30s "$url" > "$work/wrk.txt"
        total=$((total + $(awk '/requests in/ {print $1}' "$work/wrk.txt")))
        failed=$((failed + $(awk '/Non-2xx/ {print $5}' "$work/wrk.txt") + 0))
    done
    deaths=$(grep -c 'worker died' "$work/imgforge.log" || true)
    errors=$(grep -c 'level=error\| error ' "$work/imgforge.log" || true)
    echo "round $round: $total requests, non-2xx $failed, worker deaths $deaths, errors logged $errors, pool resident $(pool_rss)"
done
stack_stop
[ "$deaths" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$errors" -eq 0 ]
