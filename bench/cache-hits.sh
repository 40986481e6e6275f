#!/usr/bin/env bash
# Cache hits served by nginx through imgforge's configuration against nginx serving the very same
# file as a plain static file (same open_file_cache), in one run, with imgforge stopped (SIGSTOP)
# during the measurement: a signed URL and an unsigned one (map + try_files over the cache tree), and an
# unsigned one with an escape, outside the strict form of a file name (nginx's own fastcgi_cache, keyed on the URI).
# usage: bench/cache-hits.sh [seconds per round]   (after `swift build -c release`)
. "$(dirname "$0")/lib.sh"
seconds=${1:-8}
vips xyz "$work/xy.v" 1600 1000
mkdir -p "$work/images"
vips linear "$work/xy.v" "$work/images/photo.jpg[Q=90]" 0.1 0 --uchar
export IMGFORGE_KEY=736563726574 IMGFORGE_SALT=68656C6C6F
export IMGFORGE_CACHE_TYPE=disk IMGFORGE_CACHE_DISK_PATH="$work/cache"
stack_start IMGFORGE_ALLOW_UNSIGNED=true ${BENCH_EXTRA:-}
path=$("$binary" sign /rs:fill:300:200/plain/local:///photo.jpg)
hit="$base$path"
unsigned="$base/unsafe/rs:fill:300:200/plain/local:///photo.jpg"
kept="$base/unsafe/rs:fill:300:200/plain/local:///ph%6Fto.jpg"
curl -fsS -o /dev/null "$hit"        # the misses that fill the caches
curl -fsS -o /dev/null "$unsigned"
curl -fsS -o /dev/null "$kept"
file=$(find "$work/cache/current/" -name '*.jpg' | head -1)
# The same file as a plain static file, from the same nginx.
static_server
cp "$file" "$work/static/photo.jpg"
static="$static_base/photo.jpg"
cmp <(curl -fsS "$hit") <(curl -fsS "$static") && cmp <(curl -fsS "$unsigned") <(curl -fsS "$static") \
    && cmp <(curl -fsS "$kept") <(curl -fsS "$static") \
    && echo "same bytes: $(stat -c %s "$file") bytes"

kill -STOP "$imgforge_pid"   # hits must not need imgforge at all
declare -A total
for round in 1 2 3; do
    for kind in static hit unsigned kept; do
        case $kind in static) url=$static ;; hit) url=$hit ;; unsigned) url=$unsigned ;; kept) url=$kept ;; esac
        rate=$(wrk_rate -t2 -c32 -d"${seconds}s" "$url")
        echo "round $round, $kind: $rate req/s"
        total[$kind]=$(echo "${total[$kind]:-0} + $rate" | bc)
    done
done
kill -CONT "$imgforge_pid"
stack_stop
echo "static: ${total[static]} signed hit: ${total[hit]} unsigned hit: ${total[unsigned]} unsigned with an escape: ${total[kept]} (sums of three rounds)"
echo "ratios to static: signed $(echo "scale=3; ${total[hit]} / ${total[static]}" | bc), unsigned $(echo "scale=3; ${total[unsigned]} / ${total[static]}" | bc)," \
    "unsigned with an escape $(echo "scale=3; ${total[kept]} / ${total[static]}" | bc)"
