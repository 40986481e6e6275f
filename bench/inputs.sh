#!/usr/bin/env bash
# The benchmark's source images, the same bytes on every run (every random source has a fixed seed):
# smooth colour regions (Perlin noise at a large cell size, one seed per band), finer structure (Perlin
# at a small cell size) and blurred grain (Gaussian noise), so that the JPEGs have a photo's entropy
# rather than raw noise's.
#   photo-0.5mp.jpg  864×576      photo-2mp.jpg   1920×1080   (JPEG, Q=90)
#   photo-8mp.jpg    3456×2304    photo-24mp.jpg  6000×4000   (JPEG, Q=90)
#   alpha-2mp.png    1920×1080, RGBA (a soft round mask)
#   anim.gif         480×360, 8 frames
# usage: bench/inputs.sh DIRECTORY
set -eu
out=${1:?usage: $0 DIRECTORY}
mkdir -p "$out"
tmp=$(mktemp -d "$out/.gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# photo WIDTH HEIGHT SEED OUTPUT: a three-band uchar sRGB image in vips format.
photo() {
    local w=$1 h=$2 seed=$3 output=$4 large=$(( $1 / 5 )) small=$(( $1 / 40 + 8 ))
    for band in 0 1 2; do
        vips perlin "$tmp/l$band.v" "$w" "$h" --cell-size "$large" --seed $((seed + band))
    done
    vips bandjoin "$tmp/l0.v $tmp/l1.v $tmp/l2.v" "$tmp/large.v"
    vips linear "$tmp/large.v" "$tmp/colour.v" 200 128
    vips perlin "$tmp/s.v" "$w" "$h" --cell-size "$small" --seed $((seed + 10))
    vips gaussnoise "$tmp/n.v" "$w" "$h" --sigma 18 --mean 0 --seed $((seed + 20))
    vips gaussblur "$tmp/n.v" "$tmp/nb.v" 0.8
    # finer structure: 90 × Perlin (−0.5…0.5) plus the grain, the same in every band (luminance)
    vips linear "$tmp/s.v" "$tmp/s90.v" 90 0
    vips add "$tmp/s90.v" "$tmp/nb.v" "$tmp/detail.v"
    vips add "$tmp/colour.v" "$tmp/detail.v" "$tmp/sum.v"
    vips cast "$tmp/sum.v" "$tmp/u.v" uchar
    vips copy "$tmp/u.v" "$output" --interpretation srgb
    rm -f "$tmp"/*.v.tmp
}

jpeg() {
    photo "$2" "$3" "$4" "$tmp/p.v"
    vips jpegsave "$tmp/p.v" "$out/$1" --Q 90 --strip
}
jpeg photo-0.5mp.jpg 864 576 100
jpeg photo-2mp.jpg 1920 1080 200
jpeg photo-8mp.jpg 3456 2304 300
jpeg photo-24mp.jpg 6000 4000 400

# PNG with alpha: a 2 MP photo with a soft round mask (opaque centre, transparent corners).
photo 1920 1080 500 "$tmp/p.v"
vips xyz "$tmp/xy.v" 1920 1080
vips linear -- "$tmp/xy.v" "$tmp/c.v" "1 1" "-960 -540"
vips multiply "$tmp/c.v" "$tmp/c.v" "$tmp/sq.v"
vips bandmean "$tmp/sq.v" "$tmp/m.v"
# alpha = 255 − (r² / 2) / 1600, clipped to 0…255 (r in pixels from the centre)
vips linear -- "$tmp/m.v" "$tmp/a.v" -0.000625 320
vips cast "$tmp/a.v" "$tmp/au.v" uchar
vips bandjoin "$tmp/p.v $tmp/au.v" "$tmp/rgba.v"
vips copy "$tmp/rgba.v" "$tmp/rgba2.v" --interpretation srgb
vips pngsave "$tmp/rgba2.v" "$out/alpha-2mp.png" --compression 6 --strip

# Animated GIF: 8 frames of 480×360, the pages of one 480×2880 photo (each frame another scene).
photo 480 2880 600 "$tmp/strip.v"
vips gifsave "$tmp/strip.v" "$out/anim.gif" --page-height 360 --strip
