#!/usr/bin/env bash
# Sustained misses (no cache): rounds of wrk against one processing URL, with imgforge's
# resident memory after each round. A crash or steady growth shows here.
# usage: bench/soak.sh [rounds] [seconds per round]   (after `swift build -c release`)
. "$(dirname "$0")/lib.sh"
rounds=${1:-12}
seconds=${2:-10}
vips xyz "$work/xy.v" 1200 800
mkdir -p "$work/images"
vips linear "$work/xy.v" "$work/images/p.jpg" 0.1 0 --uchar
stack_start
url="$base/unsafe/rs:fill:200:150/q:80/plain/local:///p.jpg"
wrk -t2 -c4 -d3s "$url" > /dev/null
echo "after warm-up: $(awk '/VmRSS/ {print $2, $3}' /proc/$imgforge_pid/status)"
total=0
for round in $(seq "$rounds"); do
    count=$(wrk -t2 -c4 -d"${seconds}s" "$url" | awk '/requests in/ {print $1}')
    total=$((total + count))
    if ! kill -0 "$imgforge_pid" 2>/dev/null; then echo "round $round: imgforge died"; exit 1; fi
    echo "round $round: $count requests, $total in all, resident $(awk '/VmRSS/ {print $2, $3}' /proc/$imgforge_pid/status)"
done
stack_stop
