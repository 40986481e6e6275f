#!/usr/bin/env bash
# The pool's shape: the same IMGFORGE_WORKERS image operations as N processes of 1 thread,
# N/2 processes of 2 threads, and 1 process of N threads. For each, miss throughput (every
# request a miss: no cache, a 1200x800 JPEG to 200x150), the total PSS of all imgforge
# processes at the end of the load, and how many requests one crash takes down (threads per process).
# usage: bench/pool-shapes.sh [seconds]   (after `swift build -c release`)
. "$(dirname "$0")/lib.sh"
seconds=${1:-10}
workers=4
vips xyz "$work/xy.v" 1200 800
mkdir -p "$work/images"
vips linear "$work/xy.v" "$work/images/p.jpg" 0.1 0 --uchar
url="$base/unsafe/rs:fill:200:150/q:80/plain/local:///p.jpg"

# Proportional set size of the supervisor and all its workers, in MB.
pool_pss() {
    local total=0
    for pid in $imgforge_pid $(pgrep -P "$imgforge_pid"); do
        total=$((total + $(awk '/^Pss:/ {print $2}' /proc/$pid/smaps_rollup)))
    done
    echo $((total / 1024))
}

echo "| shape | processes × threads | misses/s | vs $workers×1 | PSS under load (MB) | requests lost to one crash |"
echo "| --- | --- | --- | --- | --- | --- |"
first=""
for threads in 1 2 4; do
    stack_start IMGFORGE_WORKERS=$workers IMGFORGE_WORKER_THREADS=$threads
    wrk -t2 -c$workers -d3s "$url" > /dev/null
    wrk -t2 -c$workers -d"${seconds}s" "$url" > "$work/wrk.txt" &
    load=$!
    sleep $((seconds / 2))
    pss=$(pool_pss)
    wait "$load"
    rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
    [ -n "$first" ] || first=$rate
    stack_stop
    echo "| $((workers / threads)) processes of $threads | $((workers / threads)) × $threads | $rate | $(awk -v a="$rate" -v b="$first" 'BEGIN {printf "%.3f", a / b}') | $pss | up to $threads |"
done
