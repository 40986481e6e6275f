#!/usr/bin/env bash
# Miss throughput with libvips' own worker threads (default) against one thread per
# operation (VIPS_CONCURRENCY=1), under parallel load, side by side in one run.
# usage: bench/vips-concurrency.sh [seconds per round]   (after `swift build -c release`)
. "$(dirname "$0")/lib.sh"
seconds=${1:-10}
vips xyz "$work/xy.v" 2400 1600
vips extract_band "$work/xy.v" "$work/x.v" 0
mkdir -p "$work/images"
vips linear "$work/x.v" "$work/images/photo.jpg[Q=90]" 0.1 0 --uchar
url="$base/unsafe/rs:fill:300:200/plain/local:///photo.jpg"

declare -A total
for round in 1 2; do
    for mode in default one; do
        if [ "$mode" = one ]; then stack_start VIPS_CONCURRENCY=1; else stack_start; fi
        wrk -t2 -c8 -d2s "$url" >/dev/null   # warm-up
        rate=$(wrk_rate -t2 -c8 -d"${seconds}s" "$url")
        stack_stop
        echo "round $round, $mode: $rate req/s"
        total[$mode]=$(echo "${total[$mode]:-0} + $rate" | bc)
    done
done
echo "default: ${total[default]} one: ${total[one]} (sums of two rounds)"
echo "ratio one/default: $(echo "scale=3; ${total[one]} / ${total[default]}" | bc)"
