#!/usr/bin/env python3
"""A misbehaving HTTP/1.1 origin for the imgforge stress test.

    fault_origin.py PORT [--image FILE] [--quiet]

Listens on 127.0.0.1:PORT (PORT 0 picks a free port), prints "ready" on
stdout once listening ("ready <port>" when PORT is 0), exits 0 on SIGTERM or
SIGINT. One daemon thread per connection; every handler returns as soon as
the client disconnects (BrokenPipe/ConnectionReset are caught, waits poll for
EOF), and no send blocks longer than 30 s on a client that stops reading.
Python 3.11 standard library only.

IMAGE below is the --image file (default: a built-in 64x48 PNG), served with
Content-Type from its extension.

Path                    Behaviour
----------------------  ------------------------------------------------------
/good                   200, IMAGE, correct Content-Length; keep-alive honoured
/drip                   200 headers (Content-Length of IMAGE), then IMAGE one
                        byte every 0.5 s
/one-byte-per-second    as /drip, one byte per second
/drip-headers           status line and headers sent one byte every 0.5 s,
                        then IMAGE
/hang-after-headers     200 headers with Content-Length, then nothing until
                        the client closes
/hang-before-headers    reads the request, never answers, until client closes
/reset-mid-body         Content-Length of IMAGE, half of IMAGE, then RST
                        (SO_LINGER 0 + close)
/short-length           Content-Length = len(IMAGE)+1000, sends IMAGE, closes
/long-length            Content-Length = len(IMAGE)//2, sends all of IMAGE
                        plus 64 KiB of random bytes, closes
/endless                Transfer-Encoding: chunked, IMAGE then random 64 KiB
                        chunks as fast as the client reads, never ends
/endless-length         Content-Length: 10737418240 (10 GiB), IMAGE then
                        random bytes as fast as the client reads
/redirect-loop          302 Location: <this origin>/redirect-loop
/redirect-chain/N       302 to /redirect-chain/N-1; /redirect-chain/0 is /good
/redirect-private       302 Location: http://169.254.169.254/latest/meta-data/
/redirect-loopback      302 Location: http://127.0.0.1:PORT/good
/redirect-file          302 Location: file:///etc/passwd
/garbage-headers        4 KiB of non-HTTP bytes (random + a fake banner), close
/gzip-bomb              Content-Encoding: gzip, Content-Type image/jpeg,
                        Content-Length ~10.4 MB; inflates to 10 GiB of zeros
                        (valid gzip: CRC-32 and ISIZE correct); streamed from
                        one reused 16 MiB-of-zeros deflate segment
/gzip-bomb-nested       Content-Encoding: gzip, gzip; ~16 KB on the wire, the
                        outer layer inflates to the /gzip-bomb body
/huge-headers           200 with 100,000 "X-Filler-N:" header lines, then
                        IMAGE with Content-Length
/not-an-image           200 Content-Type image/jpeg, body is HTML
/status/NNN             status NNN with a short text body
/_stats                 JSON: active connections, threads, requests served
anything else           404

Deflate cannot exceed ~1032:1, so a single gzip layer for 10 GiB is about
10 MB; /gzip-bomb-nested is the 16 KB variant.
"""

import argparse
import http
import json
import os
import random
import select
import signal
import socket
import socketserver
import struct
import sys
import threading
import time
import zlib

STOP = threading.Event()
SEND_TIMEOUT = 30.0
IDLE_TIMEOUT = 60.0
MAX_REQUEST_HEAD = 64 * 1024
GIB = 1 << 30

STATS_LOCK = threading.Lock()
STATS = {"active_connections": 0, "connections": 0, "requests": 0}

CONTENT_TYPES = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "gif": "image/gif", "webp": "image/webp", "avif": "image/avif",
    "heic": "image/heic", "heif": "image/heif", "tif": "image/tiff",
    "tiff": "image/tiff", "svg": "image/svg+xml", "bmp": "image/bmp",
    "jxl": "image/jxl",
}


class ClientGone(Exception):
    pass


# --------------------------------------------------------------------------
# payloads built once at start-up


def default_png():
    w, h = 64, 48
    raw = bytearray()
    for y in range(h):
        raw.append(0)
        for x in range(w):
            raw += bytes((x * 4, y * 5, 128))

    def chunk(t, d):
        return (struct.pack(">I", len(d)) + t + d
                + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
            + chunk(b"IEND", b""))


def _crc_op_zero_byte():
    """CRC-32 register update for one zero byte, as a GF(2) 32x32 matrix
    (one column per register bit)."""
    cols = []
    for i in range(32):
        s = 1 << i
        for _ in range(8):
            s = (s >> 1) ^ (0xEDB88320 if s & 1 else 0)
        cols.append(s)
    return cols


def _gf2_apply(cols, v):
    r = 0
    i = 0
    while v:
        if v & 1:
            r ^= cols[i]
        v >>= 1
        i += 1
    return r


def crc32_zeros(n, crc=0):
    """zlib.crc32(bytes(n), crc) in O(log n), by squaring the zero-byte op."""
    reg = crc ^ 0xFFFFFFFF
    op = _crc_op_zero_byte()
    while n:
        if n & 1:
            reg = _gf2_apply(op, reg)
        op = [_gf2_apply(op, c) for c in op]
        n >>= 1
    return reg ^ 0xFFFFFFFF


class GzipBomb:
    """gzip member of `total` zeros: header, `count` copies of one raw
    deflate segment (16 MiB of zeros ending in a full flush, byte aligned,
    no back-references across segments), a final block, CRC-32 and ISIZE."""

    SEGMENT = 16 << 20

    def __init__(self, total=10 * GIB):
        self.total = total
        self.count, rest = divmod(total, self.SEGMENT)
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.segment = c.compress(bytes(self.SEGMENT)) + c.flush(
            zlib.Z_FULL_FLUSH)
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        self.head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        self.tail = (c.compress(bytes(rest)) + c.flush(zlib.Z_FINISH)
                     + struct.pack("<II", crc32_zeros(total),
                                   total & 0xFFFFFFFF))
        self.length = (len(self.head) + self.count * len(self.segment)
                       + len(self.tail))

    def parts(self):
        yield self.head
        for _ in range(self.count):
            yield self.segment
        yield self.tail

    def nested(self):
        c = zlib.compressobj(9, zlib.DEFLATED, 31)
        out = [c.compress(p) for p in self.parts()]
        out.append(c.flush())
        return b"".join(out)


class Payloads:
    def __init__(self, image_path):
        if image_path:
            with open(image_path, "rb") as f:
                self.image = f.read()
            ext = image_path.rsplit(".", 1)[-1].lower()
            self.ctype = CONTENT_TYPES.get(ext, "application/octet-stream")
        else:
            self.image = default_png()
            self.ctype = "image/png"
        self.random = random.Random(0x5eed).randbytes(256 * 1024)
        self.gzip = GzipBomb()
        self.gzip_nested = self.gzip.nested()

    def random_chunk(self, n=64 * 1024):
        off = random.randrange(0, len(self.random) - n)
        return self.random[off:off + n]


# --------------------------------------------------------------------------
# connection handling


class Conn:
    def __init__(self, sock, log):
        self.sock = sock
        self.buf = b""
        self.log = log
        sock.settimeout(SEND_TIMEOUT)

    def send(self, data):
        if STOP.is_set():
            raise ClientGone("server stopping")
        self.sock.sendall(data)

    def wait(self, seconds):
        """Sleep up to `seconds`; raise ClientGone as soon as the peer closes
        (or the server stops). Bytes the client sends meanwhile are dropped."""
        deadline = time.monotonic() + seconds
        while True:
            if STOP.is_set():
                raise ClientGone("server stopping")
            left = deadline - time.monotonic()
            if left <= 0:
                return
            r, _, _ = select.select([self.sock], [], [], min(left, 0.5))
            if r:
                data = self.sock.recv(65536)
                if not data:
                    raise ClientGone("peer closed")

    def wait_forever(self):
        while True:
            self.wait(3600)

    def read_request(self):
        """Return (method, target, headers) or None on EOF/idle timeout."""
        idle_deadline = time.monotonic() + IDLE_TIMEOUT
        while b"\r\n\r\n" not in self.buf:
            if len(self.buf) > MAX_REQUEST_HEAD:
                return None
            if STOP.is_set() or time.monotonic() > idle_deadline:
                return None
            r, _, _ = select.select([self.sock], [], [], 0.5)
            if not r:
                continue
            data = self.sock.recv(65536)
            if not data:
                return None
            self.buf += data
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return None
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        # Request bodies are not expected; drop a declared one if present.
        try:
            self.buf = self.buf[max(0, int(headers["content-length"])):]
        except (KeyError, ValueError):
            pass
        return parts[0], parts[1], headers


def head_bytes(status, headers, reason=None):
    if reason is None:
        try:
            reason = http.HTTPStatus(status).phrase
        except ValueError:
            reason = "Status"
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines += [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        with STATS_LOCK:
            STATS["active_connections"] += 1
            STATS["connections"] += 1
        conn = Conn(self.request, self.server.log)
        path = "-"
        try:
            while True:
                req = conn.read_request()
                if req is None:
                    return
                method, target, headers = req
                path = target.split("?", 1)[0]
                with STATS_LOCK:
                    STATS["requests"] += 1
                self.server.log(f"{method} {target}")
                keep = self.dispatch(conn, method, path, headers)
                if not keep or headers.get("connection", "").lower() == \
                        "close":
                    return
        except ClientGone:
            pass
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError,
                TimeoutError, socket.timeout):
            pass
        except OSError as e:
            self.server.log(f"{path}: {e}")
        finally:
            with STATS_LOCK:
                STATS["active_connections"] -= 1

    # -- helpers ------------------------------------------------------------

    def base_url(self, headers):
        host = headers.get("host") or f"127.0.0.1:{self.server.port}"
        return f"http://{host}"

    def image_head(self, length=None, extra=()):
        p = self.server.payloads
        return head_bytes(200, [
            ("Content-Type", p.ctype),
            ("Content-Length", len(p.image) if length is None else length),
            *extra])

    def redirect(self, conn, location):
        conn.send(head_bytes(302, [("Location", location),
                                   ("Content-Length", 0)]))
        return True

    # -- routes -------------------------------------------------------------

    def dispatch(self, conn, method, path, headers):
        p = self.server.payloads
        img = p.image

        if path == "/good":
            conn.send(self.image_head() + (b"" if method == "HEAD" else img))
            return True
        if path in ("/drip", "/one-byte-per-second"):
            interval = 0.5 if path == "/drip" else 1.0
            conn.send(self.image_head(extra=[("Connection", "close")]))
            for i in range(len(img)):
                conn.wait(interval)
                conn.send(img[i:i + 1])
            return False
        if path == "/drip-headers":
            head = self.image_head(extra=[("Connection", "close")])
            for i in range(len(head)):
                conn.send(head[i:i + 1])
                conn.wait(0.5)
            conn.send(img)
            return False
        if path == "/hang-after-headers":
            conn.send(self.image_head())
            conn.wait_forever()
        if path == "/hang-before-headers":
            conn.wait_forever()
        if path == "/reset-mid-body":
            conn.send(self.image_head() + img[:len(img) // 2])
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack("ii", 1, 0))
            # Close here: socketserver would shutdown(SHUT_WR) first, and
            # that FIN would reach the client before the RST.
            conn.sock.close()
            return False
        if path == "/short-length":
            conn.send(self.image_head(len(img) + 1000,
                                      [("Connection", "close")]) + img)
            return False
        if path == "/long-length":
            conn.send(self.image_head(len(img) // 2, [("Connection", "close")])
                      + img + p.random_chunk())
            return False
        if path == "/endless":
            conn.send(head_bytes(200, [("Content-Type", p.ctype),
                                       ("Transfer-Encoding", "chunked")]))
            conn.send(b"%x\r\n" % len(img) + img + b"\r\n")
            while True:
                chunk = p.random_chunk()
                conn.send(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        if path == "/endless-length":
            total = 10 * GIB
            conn.send(self.image_head(total) + img)
            left = total - len(img)
            while left > 0:
                chunk = p.random_chunk(min(left, 64 * 1024))
                conn.send(chunk)
                left -= len(chunk)
            return False
        if path == "/redirect-loop":
            return self.redirect(conn, self.base_url(headers) + path)
        if path.startswith("/redirect-chain/"):
            try:
                n = int(path.rsplit("/", 1)[1])
            except ValueError:
                n = 0
            if n <= 0:
                conn.send(self.image_head() + img)
                return True
            return self.redirect(
                conn, f"{self.base_url(headers)}/redirect-chain/{n - 1}")
        if path == "/redirect-private":
            return self.redirect(conn,
                                 "http://169.254.169.254/latest/meta-data/")
        if path == "/redirect-loopback":
            return self.redirect(conn,
                                 f"http://127.0.0.1:{self.server.port}/good")
        if path == "/redirect-file":
            return self.redirect(conn, "file:///etc/passwd")
        if path == "/garbage-headers":
            conn.send(b"SSH-2.0-OpenSSH_9.2\r\n\x00\xff\xfe garbage \x1b[2J"
                      + p.random_chunk(4000) + b"\r\n\r\n")
            return False
        if path == "/gzip-bomb":
            conn.send(head_bytes(200, [("Content-Type", "image/jpeg"),
                                       ("Content-Encoding", "gzip"),
                                       ("Content-Length", p.gzip.length),
                                       ("Connection", "close")]))
            if method != "HEAD":
                for part in p.gzip.parts():
                    conn.send(part)
            return False
        if path == "/gzip-bomb-nested":
            conn.send(head_bytes(200, [("Content-Type", "image/jpeg"),
                                       ("Content-Encoding", "gzip, gzip"),
                                       ("Content-Length", len(p.gzip_nested)),
                                       ("Connection", "close")])
                      + p.gzip_nested)
            return False
        if path == "/huge-headers":
            conn.send(b"HTTP/1.1 200 OK\r\n")
            batch = []
            for i in range(100000):
                batch.append(b"X-Filler-%06d: %s\r\n" % (i, b"a" * 40))
                if len(batch) == 2000:
                    conn.send(b"".join(batch))
                    batch = []
            conn.send(b"".join(batch) + b"Content-Type: %s\r\n"
                      b"Content-Length: %d\r\nConnection: close\r\n\r\n"
                      % (p.ctype.encode(), len(img)) + img)
            return False
        if path == "/not-an-image":
            body = b"<!DOCTYPE html><html><body>not an image</body></html>\n"
            conn.send(head_bytes(200, [("Content-Type", "image/jpeg"),
                                       ("Content-Length", len(body))]) + body)
            return True
        if path.startswith("/status/"):
            try:
                code = int(path.rsplit("/", 1)[1])
            except ValueError:
                code = 500
            body = b"status %d\n" % code
            conn.send(head_bytes(code, [("Content-Type", "text/plain"),
                                        ("Content-Length", len(body))])
                      + body)
            return True
        if path == "/_stats":
            with STATS_LOCK:
                stats = dict(STATS)
            stats["threads"] = threading.active_count()
            body = json.dumps(stats).encode() + b"\n"
            conn.send(head_bytes(200, [("Content-Type", "application/json"),
                                       ("Content-Length", len(body))])
                      + body)
            return True
        body = b"not found\n"
        conn.send(head_bytes(404, [("Content-Type", "text/plain"),
                                   ("Content-Length", len(body))]) + body)
        return True


class Origin(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 1024

    def __init__(self, port, payloads, quiet):
        super().__init__(("127.0.0.1", port), Handler)
        self.port = self.server_address[1]
        self.payloads = payloads
        self.quiet = quiet

    def log(self, msg):
        if not self.quiet:
            print(f"fault_origin: {msg}", file=sys.stderr, flush=True)

    def handle_error(self, request, client_address):
        # Handler exceptions are handled in Handler.handle; anything that
        # gets here is logged in one line instead of a traceback.
        self.log(f"error from {client_address}: {sys.exc_info()[1]!r}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("port", type=int)
    ap.add_argument("--image", help="file served by /good and friends")
    ap.add_argument("--quiet", action="store_true", help="no request log")
    args = ap.parse_args()

    payloads = Payloads(args.image)
    server = Origin(args.port, payloads, args.quiet)

    def on_signal(signum, frame):
        STOP.set()
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    t = threading.Thread(target=server.serve_forever,
                         kwargs={"poll_interval": 0.2}, daemon=True)
    t.start()
    print("ready" if args.port else f"ready {server.port}", flush=True)
    while not STOP.wait(1.0):
        pass
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
