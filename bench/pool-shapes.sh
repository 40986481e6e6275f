#!/usr/bin/env bash
# The pool's shape: the same IMGFORGE_WORKERS image operations as N processes of 1 thread,
# N/2 processes of 2 threads, and 1 process of N threads. For each, miss throughput (every
# request a miss: no cache, a 1200x800 JPEG to 200 px wide, q80), the total PSS of all imgforge
# processes under the load, and how many requests one crash takes down (threads per process).
# The same run measures the limit: the same resize done by imgforge-baseline (no nginx, FastCGI
# or fetch) in the same three shapes; every throughput is given against the best of those three.
# usage: bench/pool-shapes.sh [seconds]   (after `swift build -c release`)
. "$(dirname "$0")/lib.sh"
seconds=${1:-10}
workers=4
vips xyz "$work/xy.v" 1200 800
mkdir -p "$work/images"
vips linear "$work/xy.v" "$work/images/p.jpg" 0.1 0 --uchar
url="$base/unsafe/rs:fit:200:0/q:80/plain/local:///p.jpg"
baseline="$root/.build/release/imgforge-baseline"

# Operations per second of the in-process resize: `limit PROCESSES THREADS`, summed over the processes.
limit() {
    local processes=$1 threads=$2
    for i in $(seq "$processes"); do
        "$baseline" "$work/images/p.jpg" --width 200 --quality 80 --threads "$threads" --seconds "$seconds" > "$work/limit-$i.txt" &
    done
    wait
    cat "$work"/limit-*.txt | sed 's/.*per_second=//' | awk '{ total += $1 } END { printf "%.1f", total }'
    rm -f "$work"/limit-*.txt
}

declare -A limits
best=0
for threads in 1 2 4; do
    limits[$threads]=$(limit $((workers / threads)) $threads)
    best=$(awk -v a="${limits[$threads]}" -v b="$best" 'BEGIN { print (a > b ? a : b) }')
done
ratio() { awk -v a="$1" -v b="$best" 'BEGIN {printf "%.3f", a / b}'; }

echo "| shape | processes × threads | misses/s | vs the in-process limit | PSS under load (MB) | requests lost to one crash |"
echo "| --- | --- | --- | --- | --- | --- |"
for threads in 1 2 4; do
    echo "| limit: imgforge-baseline, $((workers / threads)) × $threads (SIMD $([ $threads = 1 ] && echo on || echo off)) | $((workers / threads)) × $threads | ${limits[$threads]} | $(ratio "${limits[$threads]}") | | |"
done
for threads in 1 2 4; do
    stack_start IMGFORGE_WORKERS=$workers IMGFORGE_WORKER_THREADS=$threads
    wrk -t2 -c$workers -d3s "$url" > /dev/null
    wrk -t2 -c$workers -d"${seconds}s" "$url" > "$work/wrk.txt" &
    load=$!
    sleep $((seconds / 2))
    pss=$(pss_mb "$imgforge_pid")
    wait "$load"
    rate=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
    stack_stop
    echo "| imgforge, $((workers / threads)) × $threads | $((workers / threads)) × $threads | $rate | $(ratio "$rate") | $pss | up to $threads |"
done
