#!/usr/bin/env bash
# The cost of flushing each disk cache file before it is renamed into place: misses that store a
# small result in imgforge's disk cache (every request a new signed URL), with IMGFORGE_CACHE_FSYNC
# on and off, alternated round after round in one run. The cache directory is on the file system of
# $BENCH_DIR (or /tmp).
# usage: bench/cache-fsync.sh [seconds per round] [rounds]   (after `swift build -c release`)
. "$(dirname "$0")/lib.sh"
seconds=${1:-10}
rounds=${2:-3}
export IMGFORGE_KEY=736563726574 IMGFORGE_SALT=68656C6C6F
unique_misses signed
echo "cache on $(df -T "$work" | awk 'NR == 2 {print $2}') ($work)"
declare -A total
for round in $(seq "$rounds"); do
    for fsync in true false; do
        rm -rf "$work/cache"
        stack_start IMGFORGE_CACHE_TYPE=disk IMGFORGE_CACHE_DISK_PATH="$work/cache" IMGFORGE_CACHE_FSYNC=$fsync \
            IMGFORGE_WORKERS=2 IMGFORGE_WORKER_THREADS=2
        rate=$(wrk_rate -t2 -c4 -d"${seconds}s" -s "$work/unique.lua" "$base")
        stored=$(find "$work/cache/current/" -type f | wc -l)
        stack_stop
        echo "round $round, fsync $fsync: $rate misses/s ($stored files stored)"
        total[$fsync]=$(echo "${total[$fsync]:-0} + $rate" | bc)
    done
done
echo "mean misses/s: fsync on $(echo "scale=1; ${total[true]} / $rounds" | bc), off $(echo "scale=1; ${total[false]} / $rounds" | bc); ratio on/off $(echo "scale=3; ${total[true]} / ${total[false]}" | bc)"
