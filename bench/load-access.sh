#!/usr/bin/env bash
# Sequential against random access for the loads of a plain resize: operations per second and
# peak resident memory of imgforge-baseline's reference pipeline on large sources, one thread,
# the two modes alternated round after round so that machine noise hits both alike.
# usage: bench/load-access.sh [seconds per run] [rounds]   (after `swift build -c release`)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
baseline=$root/.build/release/imgforge-baseline
seconds=${1:-5}
rounds=${2:-3}
work=$(mktemp -d /tmp/imgforge-access.XXXXXX)
trap 'rm -rf "$work"' EXIT
vips xyz "$work/xy.v" 6000 4000
vips linear "$work/xy.v" "$work/photo.jpg" 0.05 0 --uchar
vips linear "$work/xy.v" "$work/photo.png" 0.05 0 --uchar
vips linear "$work/xy.v" "$work/photo.webp" 0.05 0 --uchar
echo "| source (6000×4000) | sequential: ops/s | random: ops/s | ratio | sequential: peak RSS | random: peak RSS |"
echo "|---|---|---|---|---|---|"
for source in photo.jpg photo.png photo.webp; do
    declare -A rate=() rss=()
    for _ in $(seq "$rounds"); do
        for access in sequential random; do
            line=$("$baseline" "$work/$source" --width 300 --seconds "$seconds" --access "$access" --no-simd)
            rate[$access]="${rate[$access]:-} $(echo "$line" | sed 's/.*per_second=\([0-9.]*\).*/\1/')"
            rss[$access]="${rss[$access]:-} $(echo "$line" | sed 's/.*peak_rss_mb=\([0-9]*\).*/\1/')"
        done
    done
    median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
    s=$(echo "${rate[sequential]}" | median) r=$(echo "${rate[random]}" | median)
    echo "| $source | $s | $r | $(awk -v a="$s" -v b="$r" 'BEGIN {printf "%.2f", a / b}') | $(echo "${rss[sequential]}" | median) MB | $(echo "${rss[random]}" | median) MB |"
    unset rate rss
done
