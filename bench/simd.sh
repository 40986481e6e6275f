#!/usr/bin/env bash
# libvips' SIMD (liborc) on and off, side by side in one run: the same pool (4 processes of one
# thread, where imgforge turns it on) with VIPS_NOVECTOR set and not, alternating twice so drift
# on a shared machine shows. Misses only: a resize, and a blur + sharpen + WebP encode.
# usage: bench/simd.sh [seconds]   (after `swift build -c release`)
. "$(dirname "$0")/lib.sh"
seconds=${1:-15}
vips xyz "$work/xy.v" 1200 800
mkdir -p "$work/images"
vips linear "$work/xy.v" "$work/images/p.jpg" 0.1 0 --uchar
resize="$base/unsafe/rs:fill:200:150/q:80/plain/local:///p.jpg"
convolve="$base/unsafe/bl:2/sh:1/rs:fit:300:300/plain/local:///p.jpg@webp"
echo "| pass | SIMD | resize misses/s | blur+sharpen+WebP misses/s |"
echo "| --- | --- | --- | --- |"
for pass in 1 2; do
    for simd in off on; do
        if [ $simd = off ]; then stack_start IMGFORGE_WORKERS=4 VIPS_NOVECTOR=1; else stack_start IMGFORGE_WORKERS=4; fi
        wrk -t2 -c4 -d3s "$resize" > /dev/null
        a=$(wrk_rate -t2 -c4 -d"${seconds}s" "$resize")
        b=$(wrk_rate -t2 -c4 -d"${seconds}s" "$convolve")
        stack_stop
        echo "| $pass | $simd | $a | $b |"
    done
done
