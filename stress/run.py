#!/usr/bin/env python3
"""make stress: proves with figures that hostile input, lying origins and crashes cost nothing.

    stress/run.py [--fuzz-seconds N] [--soak-minutes M] [--report doc/reliability.md]

Starts its own nginx + imgforge (release build) + misbehaving origin on 127.0.0.1, runs the
phases below, stops everything it started, writes the figures to the report and exits non-zero
when a criterion fails. Python 3.11 standard library; the `vips` CLI checks cache files.

  1. URL fuzzing: the libFuzzer target (fuzz/, built by `make stress`) over the URL parser, the
     options parser and the geometry plan, from a corpus of real URLs; then the corpus replayed
     through nginx: only 2xx/4xx.
  2. Image fuzzing: every file of hostile_images.py (truncations, bit flips, bombs, hostile SVG,
     other formats) under several options, while good requests run beside them.
  3. Origin faults: every path of fault_origin.py, then a 1-byte-per-second origin at full
     concurrency.
  4. Process faults: kill -9 of workers and of the supervisor, round after round, under load,
     while nginx keeps serving hits; then every cache file is decoded.
  5. Soak: mixed load (hits, misses, errors, hostile inputs) at 2 × cores concurrency; resident
     memory and descriptors sampled.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build/release/imgforge")
FUZZER = os.path.join(ROOT, "fuzz/.build/release/imgforge-url-fuzzer")
CORES = os.cpu_count() or 2


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


SIGNING_KEY, SIGNING_SALT = b"stress-key", b"stress-salt"


def signed(path):
    """`path` (options and source, from its first slash) with imgforge's signature in front."""
    digest = hmac.new(SIGNING_KEY, SIGNING_SALT + path.encode(), hashlib.sha256).digest()
    return "/" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode() + path


class Stack:
    """nginx + imgforge + the fault origin, in a scratch directory."""

    def __init__(self, work, port):
        self.work, self.port = work, port
        self.images = os.path.join(work, "images")
        self.cache = os.path.join(work, "cache")
        self.imgforge_log = os.path.join(work, "imgforge.log")
        os.makedirs(self.images, exist_ok=True)
        self.origin = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "stress/fault_origin.py"), "0", "--quiet",
             "--image", os.path.join(self.images, "good.jpg")],
            stdout=subprocess.PIPE, text=True)
        ready = self.origin.stdout.readline().split()
        self.origin_port = int(ready[1])
        self.env = dict(os.environ,
                        IMGFORGE_BIND=f"unix:{work}/imgforge.sock",
                        IMGFORGE_LOCAL_FILESYSTEM_ROOT=self.images,
                        IMGFORGE_ALLOW_UNSIGNED="true",
                        # Signed URLs too: their answers are always imgforge's own cache files (an unsigned
                        # one only in the strict form of a file name), which the process faults check after the kills.
                        IMGFORGE_KEY=SIGNING_KEY.hex(), IMGFORGE_SALT=SIGNING_SALT.hex(),
                        IMGFORGE_ALLOW_LOOPBACK_SOURCES="true",
                        # Loopback only: fuzzed URLs naming other hosts are refused (403), never fetched.
                        IMGFORGE_ALLOWED_SOURCES=f"local:///,http://127.0.0.1:{self.origin_port}/",
                        IMGFORGE_CACHE_TYPE="disk", IMGFORGE_CACHE_DISK_PATH=self.cache,
                        IMGFORGE_WORKERS=str(2 * CORES), IMGFORGE_WORKER_THREADS="1",
                        IMGFORGE_DOWNLOAD_TIMEOUT="3", IMGFORGE_TIMEOUT="10",
                        IMGFORGE_LOG_LEVEL="warning")
        subprocess.run([os.path.join(ROOT, "scripts/render-nginx-conf"), f"{work}/nginx",
                        f"127.0.0.1:{port}", BINARY], env=self.env, check=True)
        self.start_imgforge()
        self.nginx = subprocess.Popen(
            ["nginx", "-p", f"{work}/nginx", "-c", f"{work}/nginx/nginx.conf",
             "-e", f"{work}/nginx/logs/error.log", "-g", "daemon off;"])
        self.wait_ready()

    def start_imgforge(self):
        with open(self.imgforge_log, "a") as out:
            self.imgforge = subprocess.Popen([BINARY, "serve"], env=self.env, stderr=out, stdout=out)

    def wait_ready(self, seconds=20):
        end = time.time() + seconds
        while time.time() < end:
            if get(self.port, "/status", timeout=2)[0] == 200:
                return
            time.sleep(0.1)
        raise SystemExit("the stack did not start")

    def workers(self):
        out = subprocess.run(["pgrep", "-P", str(self.imgforge.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def pool_pids(self):
        return [self.imgforge.pid] + self.workers()

    def stop(self):
        for process in (self.nginx, self.imgforge, self.origin):
            if process.poll() is None:
                process.terminate()
        for process in (self.nginx, self.imgforge, self.origin):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()

    def log_count(self, text):
        with open(self.imgforge_log, errors="replace") as f:
            return f.read().count(text)


def get(port, path, timeout=15, headers=None):
    """(status, body, seconds); status 0 when no HTTP answer came."""
    started = time.time()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, body, time.time() - started
    except (OSError, http.client.HTTPException) as error:
        return 0, str(error).encode(), time.time() - started


def resident_kb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total


def descriptors(pids):
    total = 0
    for pid in pids:
        try:
            total += len(os.listdir(f"/proc/{pid}/fd"))
        except OSError:
            pass
    return total


class Sampler(threading.Thread):
    """Peak pool memory while a phase runs."""

    def __init__(self, stack):
        super().__init__(daemon=True)
        self.stack, self.peak_kb, self.peak_worker_kb, self.running = stack, 0, 0, True

    def run(self):
        while self.running:
            pids = self.stack.pool_pids()
            self.peak_kb = max(self.peak_kb, resident_kb(pids))
            self.peak_worker_kb = max([self.peak_worker_kb] + [resident_kb([p]) for p in pids[1:]])
            time.sleep(0.2)

    def stop(self):
        self.running = False
        self.join()


class GoodTraffic(threading.Thread):
    """Ordinary requests beside a phase: they must all succeed."""

    def __init__(self, stack, path_for):
        super().__init__(daemon=True)
        self.stack, self.path_for, self.running = stack, path_for, True
        self.statuses, self.slowest = {}, 0.0

    def run(self):
        n = 0
        while self.running:
            n += 1
            status, _, seconds = get(self.stack.port, self.path_for(n))
            self.statuses[status] = self.statuses.get(status, 0) + 1
            self.slowest = max(self.slowest, seconds)
            time.sleep(0.05)

    def stop(self):
        self.running = False
        self.join()

    @property
    def failed(self):
        return sum(count for status, count in self.statuses.items() if status != 200)


def parallel(jobs, concurrency):
    """Runs callables on `concurrency` threads; returns their results in order."""
    results = [None] * len(jobs)
    index = iter(range(len(jobs)))
    lock = threading.Lock()

    def worker():
        while True:
            with lock:
                i = next(index, None)
            if i is None:
                return
            results[i] = jobs[i]()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def prepare_images(images):
    """The good images (the origin serves one) and the hostile set; returns the hostile manifest."""
    os.makedirs(images, exist_ok=True)
    subprocess.run(["vips", "xyz", f"{images}/xy.v", "1600", "1000"], check=True)
    subprocess.run(["vips", "linear", f"{images}/xy.v", f"{images}/good.jpg", "0.1", "0", "--uchar"], check=True)
    subprocess.run(["vips", "linear", f"{images}/xy.v", f"{images}/good.png", "0.1", "0", "--uchar"], check=True)
    os.unlink(f"{images}/xy.v")
    out = subprocess.run([sys.executable, os.path.join(ROOT, "stress/hostile_images.py"), f"{images}/hostile"],
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


# 1. URL fuzzing ------------------------------------------------------------------------------

SEED_URLS = [
    "/unsafe/rs:fit:300:200/plain/local:///good.jpg",
    "/unsafe/rs:fill:300:300:1/g:sm/q:80/plain/local:///good.png@webp",
    "/unsafe/w:100/h:50/c:50:50:nowe:10:10/ex:1:soea/bg:ff0000/plain/local:///good.jpg@png",
    "/unsafe/t:10:FF00FF:1:1/rot:90/fl:1:0/bl:2/sh:1/pix:4/plain/local:///good.jpg",
    "/unsafe/pd:10:20:30:40/dpr:2/z:1.5:0.5/el:1/mw:50/mh:50/plain/local:///good.jpg",
    "/unsafe/wm:0.5:soea:10:10:0.2/wmu:aHR0cDovL2V4YW1wbGUuY29t/plain/local:///good.jpg",
    "/unsafe/pr:a:b/f:avif/q:50/fq:jpeg:80:webp:70/mb:10000/sm:0/kcr:1/plain/local:///good.jpg",
    "/unsafe/pg:2/pgs:3/da:1/skp:jpg/raw:1/cb:abc/exp:9999999999/fn:a.b/att:1/plain/local:///good.jpg",
    "/unsafe/br:10/co:1.2/sa:0.5/a:r:10:2:1/bga:0.5/ra:lanczos3/msr:10/msfs:100/mrd:100/plain/local:///good.jpg",
    "/unsafe/rs:fit:1e300:-1/w:NaN/h:9223372036854775807/z:1e-300/plain/local:///good.jpg",
    "/unsafe/aHR0cDovL2V4YW1wbGUuY29tL2EuanBn.webp",
    "/insecure/rs:auto:0:0/plain/http%3A%2F%2Fexample.com%2Fa.jpg@jpg",
    "/unsafe/info/rs:fit:10:10/plain/local:///good.jpg",
]


def fuzz_urls(stack, work, seconds):
    corpus = os.path.join(work, "fuzz-corpus")
    seeds = os.path.join(work, "fuzz-seeds")
    os.makedirs(corpus)
    os.makedirs(seeds)
    for i, url in enumerate(SEED_URLS):
        with open(os.path.join(seeds, f"seed-{i}"), "w") as f:
            f.write(url)
    artifacts = os.path.join(work, "fuzz-artifacts") + "/"
    os.makedirs(artifacts)
    log(f"URL fuzzing for {seconds} s")
    # Swift's own crash reporter would take a trap's signal before libFuzzer, which then saves nothing.
    run = subprocess.run(
        [FUZZER, f"-max_total_time={seconds}", "-timeout=5", "-rss_limit_mb=2048", "-max_len=2048",
         f"-artifact_prefix={artifacts}", "-print_final_stats=1", corpus, seeds],
        capture_output=True, text=True, env=dict(os.environ, SWIFT_BACKTRACE="enable=no"))
    stats = {}
    for line in run.stderr.splitlines():
        if line.startswith("stat::"):
            key, _, value = line[6:].partition(":")
            stats[key.strip()] = value.strip()
    crashes = os.listdir(artifacts)
    inputs = [os.path.join(corpus, name) for name in os.listdir(corpus)]
    log(f"replaying {len(inputs)} corpus entries through nginx")
    statuses = {}

    def replay(path):
        with open(path, "rb") as f:
            raw = f.read()
        # Bytes a request line cannot carry are percent-encoded; the rest go as they are.
        target = "/" + urllib.parse.quote(raw.lstrip(b"/"), safe="/:@!$&'()*+,;=-._~%")
        status, body, _ = get(stack.port, target[:8000], timeout=20)
        return status, target, body

    failures = []
    for status, target, body in parallel([lambda p=p: replay(p) for p in inputs], 2 * CORES):
        statuses[status] = statuses.get(status, 0) + 1
        if not 200 <= status < 500:
            failures.append(f"{status} {target[:150]} {body[:100]!r}")
    bad = sum(count for status, count in statuses.items() if not (200 <= status < 500))
    return {
        "executions": int(stats.get("number_of_executed_units", "0")),
        "exit": run.returncode, "crashes": len(crashes), "corpus": len(inputs),
        "replay": statuses, "replay_bad": bad, "replay_failures": failures, "tail": run.stderr[-2000:] if run.returncode else "",
    }


# 2. Image fuzzing ----------------------------------------------------------------------------

IMAGE_OPTIONS = ["rs:fit:100:100", "rs:fill:64:64/g:sm/bl:1", "rot:90/pg:1/pgs:3/f:webp", "info"]


def fuzz_images(stack, manifest):
    sampler = Sampler(stack)
    sampler.start()
    good = GoodTraffic(stack, lambda n: f"/unsafe/rs:fit:{100 + n % 400}:0/cb:i{n}/plain/local:///good.jpg")
    good.start()
    deaths_before = stack.log_count("worker died")
    jobs = []
    for entry in manifest:
        source = urllib.parse.quote("local:///hostile/" + entry["file"], safe=":/")
        for options in IMAGE_OPTIONS:
            path = f"/unsafe/info/plain/{source}" if options == "info" else f"/unsafe/{options}/plain/{source}"
            jobs.append((entry, path))
    log(f"image fuzzing: {len(jobs)} requests over {len(manifest)} files")
    results = parallel([lambda j=j: (j, get(stack.port, j[1], timeout=30)) for j in jobs], 2 * CORES)
    good.stop()
    sampler.stop()
    statuses, slowest, failures = {}, 0.0, []
    by_kind = {}
    for (entry, path), (status, body, seconds) in results:
        statuses[status] = statuses.get(status, 0) + 1
        kind = by_kind.setdefault(entry["kind"], {})
        kind[status] = kind.get(status, 0) + 1
        slowest = max(slowest, seconds)
        if status >= 500 or status == 0:
            failures.append(f"{status} {path} {body[:120]!r}")
    deaths = stack.log_count("worker died") - deaths_before
    return {"requests": len(jobs), "files": len(manifest), "statuses": statuses, "by_kind": by_kind,
            "slowest": slowest, "failures": failures, "contained_crashes": deaths,
            "good": good.statuses, "good_failed": good.failed, "good_slowest": good.slowest,
            "peak_pool_mb": sampler.peak_kb // 1024, "peak_worker_mb": sampler.peak_worker_kb // 1024}


# 3. Origin faults ----------------------------------------------------------------------------

FAULTS = ["/good", "/drip", "/one-byte-per-second", "/drip-headers", "/hang-after-headers",
          "/hang-before-headers", "/reset-mid-body", "/short-length", "/long-length", "/endless",
          "/endless-length", "/redirect-loop", "/redirect-chain/3", "/redirect-private",
          "/redirect-file", "/garbage-headers", "/gzip-bomb", "/gzip-bomb-nested", "/huge-headers",
          "/not-an-image", "/status/500", "/status/404"]


def origin_faults(stack):
    sampler = Sampler(stack)
    sampler.start()
    base = f"http://127.0.0.1:{stack.origin_port}"
    rows = []
    for fault in FAULTS:
        status, body, seconds = get(stack.port, f"/unsafe/w:50/plain/{base}{fault}", timeout=30)
        reason = "an image" if status == 200 else body[:100].decode(errors="replace").strip()
        rows.append((fault, status, seconds, reason))
    # Every responder slot held by a 1-byte-per-second origin at once, twice over.
    storm_size = 4 * CORES
    log(f"origin faults: {len(FAULTS)} kinds, then {storm_size} slow-drip requests at once")
    storm = parallel([lambda i=i: get(stack.port, f"/unsafe/w:{50 + i}/plain/{base}/one-byte-per-second", timeout=60)
                      for i in range(storm_size)], storm_size)
    after = get(stack.port, "/unsafe/w:77/cb:after-storm/plain/local:///good.jpg")
    status = json.loads(get(stack.port, "/status")[1] or b"{}")
    sampler.stop()
    storm_statuses = {}
    for s, _, _ in storm:
        storm_statuses[s] = storm_statuses.get(s, 0) + 1
    return {"rows": rows, "slowest": max(r[2] for r in rows), "storm": storm_statuses,
            "storm_slowest": max(s[2] for s in storm), "after_storm": after[0], "after_storm_seconds": after[2],
            "busy_after": status.get("workers", {}).get("busy"), "fivexx_non_gateway": sum(1 for r in rows if r[1] in (0, 500, 503)),
            "peak_pool_mb": sampler.peak_kb // 1024}


# 4. Process faults ---------------------------------------------------------------------------

def process_faults(stack, rounds):
    hits = [signed(f"/rs:fit:{200 + i}:0/plain/local:///good.jpg") for i in range(20)]
    for path in hits:
        get(stack.port, path)
    load = GoodTraffic(stack, lambda n: signed(f"/rs:fit:{300 + n % 500}:0/q:{50 + n % 40}/plain/local:///good.png@webp"))
    load.start()
    hit_statuses_down, hit_statuses = {}, {}
    worker_kills = supervisor_kills = 0
    log(f"process faults: {rounds} rounds of kill -9")
    for round_ in range(rounds):
        time.sleep(0.7)
        workers = stack.workers()
        if workers:
            os.kill(random.choice(workers), signal.SIGKILL)
            worker_kills += 1
        for path in random.sample(hits, 5):
            s = get(stack.port, path)[0]
            hit_statuses[s] = hit_statuses.get(s, 0) + 1
        if round_ % 3 == 2:
            # The supervisor dies; what a service manager does is start it again. Meanwhile nginx
            # serves hits from the cache alone.
            os.kill(stack.imgforge.pid, signal.SIGKILL)
            stack.imgforge.wait()
            supervisor_kills += 1
            for path in hits:
                s = get(stack.port, path)[0]
                hit_statuses_down[s] = hit_statuses_down.get(s, 0) + 1
            time.sleep(0.3)
            stack.start_imgforge()
            stack.wait_ready()
    time.sleep(1)
    load.stop()
    files = []
    for directory, _, names in os.walk(os.path.join(stack.cache, "current/")):
        files += [os.path.join(directory, n) for n in names if not n.endswith(".lock")]
    corrupt = [f for f in files if subprocess.run(["vips", "avg", f], capture_output=True).returncode != 0]
    # Temporary files are renamed into place when complete; one left behind is a partial write
    # of a killed worker, never served, and removed at the next start.
    leftovers = os.listdir(os.path.join(stack.cache, "tmp"))
    strays = subprocess.run(["pgrep", "-f", f"{BINARY} worker"], capture_output=True, text=True).stdout.split()
    live = set(map(str, stack.workers()))
    return {"rounds": rounds, "worker_kills": worker_kills, "supervisor_kills": supervisor_kills,
            "hits_while_down": hit_statuses_down, "hits": hit_statuses, "load": load.statuses,
            "files": len(files), "corrupt": corrupt, "tmp_leftovers": len(leftovers),
            "orphans": [p for p in strays if p not in live]}


# 5. Soak -------------------------------------------------------------------------------------

def soak(stack, minutes, manifest):
    hits = [f"/unsafe/rs:fit:{150 + i}:0/plain/local:///good.jpg" for i in range(30)]
    for path in hits:
        get(stack.port, path)
    hostile = [e["file"] for e in manifest]
    counter = [0]
    lock = threading.Lock()
    statuses = {"hit": {}, "miss": {}, "error": {}, "hostile": {}}
    running = [True]

    def client(seed):
        rng = random.Random(seed)
        while running[0]:
            with lock:
                counter[0] += 1
                n = counter[0]
            roll = rng.random()
            if roll < 0.5:
                kind, path = "hit", rng.choice(hits)
            elif roll < 0.8:
                kind, path = "miss", f"/unsafe/rs:fill:{100 + n % 300}:{80 + n % 200}/cb:s{n}/plain/local:///good.jpg@webp"
            elif roll < 0.9:
                kind, path = "error", rng.choice([f"/unsafe/w:x{n}/plain/local:///good.jpg", f"/unsafe/w:10/plain/local:///missing-{n}.jpg",
                                                  "/unsafe/rs:fit:1e300:NaN/plain/local:///good.jpg", f"/bad-signature-{n}/w:10/plain/local:///good.jpg"])
            else:
                name = urllib.parse.quote(rng.choice(hostile))
                kind, path = "hostile", f"/unsafe/rs:fit:{60 + n % 50}:0/cb:h{n}/plain/local:///hostile/{name}"
            status = get(stack.port, path, timeout=30)[0]
            with lock:
                statuses[kind][status] = statuses[kind].get(status, 0) + 1

    log(f"soak: {minutes} min at concurrency {2 * CORES}")
    deaths_before = stack.log_count("worker died")
    threads = [threading.Thread(target=client, args=(i,)) for i in range(2 * CORES)]
    for t in threads:
        t.start()
    samples = []
    started = time.time()
    end = started + minutes * 60
    while time.time() < end:
        time.sleep(min(30, max(1, end - time.time())))
        pids = stack.pool_pids()
        samples.append((round(time.time() - started), resident_kb(pids) // 1024, descriptors(pids),
                        descriptors([stack.nginx.pid] + nginx_workers(stack)), counter[0]))
        log(f"  soak {samples[-1][0]} s: {samples[-1][4]} requests, pool {samples[-1][1]} MB, fds {samples[-1][2]}")
    running[0] = False
    for t in threads:
        t.join()
    # Warm-up: the first two minutes (or the first fifth of a short soak). Single samples swing with
    # what the workers hold at that instant: compare the means of the first and last quarter after it.
    warm = [s for s in samples if s[0] >= min(120, minutes * 12)] or samples
    quarter = max(1, len(warm) // 4)

    def mean(rows, column):
        return round(sum(r[column] for r in rows) / len(rows))

    rss_start, rss_end = mean(warm[:quarter], 1), mean(warm[-quarter:], 1)
    five = sum(c for kind, per in statuses.items() for s, c in per.items() if s >= 500 or s == 0)
    return {"minutes": minutes, "requests": counter[0], "statuses": statuses, "fivexx": five,
            "contained_crashes": stack.log_count("worker died") - deaths_before, "samples": samples,
            "rss_start": rss_start, "rss_end": rss_end,
            "rss_growth": (rss_end - rss_start) / max(1, rss_start),
            "fds_start": mean(warm[:quarter], 2), "fds_end": mean(warm[-quarter:], 2),
            "nginx_fds_start": mean(warm[:quarter], 3), "nginx_fds_end": mean(warm[-quarter:], 3)}


def nginx_workers(stack):
    out = subprocess.run(["pgrep", "-P", str(stack.nginx.pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


# Report --------------------------------------------------------------------------------------

def fmt(statuses):
    return ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))


def report(path, results, started_at, elapsed):
    fz, im, og, pf, sk = (results.get(k) for k in ("fuzz", "images", "origin", "process", "soak"))
    checks = []

    def check(name, ok, figure):
        checks.append((name, ok, figure))

    if fz:
        check("URL fuzzer: no crash", fz["crashes"] == 0 and fz["exit"] == 0, f"{fz['executions']:,} inputs, {fz['crashes']} crashes")
        check("fuzz corpus through nginx: only 2xx/4xx", fz["replay_bad"] == 0, f"{fz['corpus']:,} requests: {fmt(fz['replay'])}")
    if im:
        # A worker crash costs its request a 502 from nginx and nothing else: counted, not failed.
        uncontained = len(im["failures"]) - im["contained_crashes"]
        check("hostile images: 4xx or contained, within the timeout", uncontained <= 0 and im["slowest"] < 12,
              f"{im['requests']:,} requests over {im['files']} files: {fmt(im['statuses'])}; slowest {im['slowest']:.1f} s; "
              f"contained worker crashes {im['contained_crashes']}")
        check("good requests beside them", im["good_failed"] == 0, f"{fmt(im['good'])}; slowest {im['good_slowest']:.1f} s")
        check("memory while decoding hostile images", im["peak_worker_mb"] < 1024, f"peak worker {im['peak_worker_mb']} MB, pool {im['peak_pool_mb']} MB")
    if og:
        check("origin faults: bounded time, gateway errors only", og["slowest"] < 12 and og["fivexx_non_gateway"] == 0,
              f"{len(og['rows'])} kinds; slowest {og['slowest']:.1f} s")
        check("1-byte-per-second origin at full concurrency: workers freed", og["after_storm"] == 200 and og["busy_after"] in (0, 1),
              f"{fmt(og['storm'])}; slowest {og['storm_slowest']:.1f} s; next request {og['after_storm']} in {og['after_storm_seconds']:.2f} s; busy after {og['busy_after']}")
    if pf:
        check("process faults: hits served while the supervisor is down", set(pf["hits_while_down"]) == {200},
              f"{pf['supervisor_kills']} supervisor kills, {pf['worker_kills']} worker kills; hits while down: {fmt(pf['hits_while_down'])}")
        check("cache files after the kills: all decode, none partial", not pf["corrupt"] and pf["files"] > 0,
              f"{pf['files']} files decoded, {len(pf['corrupt'])} corrupt; {pf['tmp_leftovers']} temporary files left in tmp/")
        check("no orphan workers", not pf["orphans"], f"{len(pf['orphans'])}")
    if sk:
        check("soak: no 5xx", sk["fivexx"] == 0, f"{sk['requests']:,} requests in {sk['minutes']} min; 5xx {sk['fivexx']}")
        check("soak: resident memory growth under 10% after warm-up", sk["rss_growth"] < 0.10,
              f"{sk['rss_start']} MB → {sk['rss_end']} MB ({sk['rss_growth'] * 100:+.1f}%; means of the first and last quarter of the samples after warm-up)")
        # nginx's own count grows with its open_file_cache up to that cache's bound (10,000 files).
        check("soak: descriptors flat", sk["fds_end"] <= sk["fds_start"] + 4 and sk["nginx_fds_end"] <= 10_000 + 64,
              f"pool {sk['fds_start']} → {sk['fds_end']}, nginx {sk['nginx_fds_start']} → {sk['nginx_fds_end']}")

    lines = [
        "# Reliability",
        "",
        "Written by `make stress` (`stress/run.py`): nginx, imgforge (release build) and a misbehaving",
        "origin on 127.0.0.1, each phase as described in the script. Figures from one run; the machine is",
        "shared, so times are bounds, not speeds.",
        "",
        f"Run: {started_at}, {CORES} cores, {elapsed / 60:.1f} min in all.",
        "",
        "| criterion | result | figures |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {name} | {'pass' if ok else '**FAIL**'} | {figure} |" for name, ok, figure in checks]
    if fz and fz["replay_failures"]:
        lines += ["", "Fuzz corpus answers outside 2xx/4xx:", ""] + [f"- `{f}`" for f in fz["replay_failures"][:20]]
    if im:
        lines += ["", "## Hostile images by kind", "", "| kind | answers |", "| --- | --- |"]
        lines += [f"| {kind} | {fmt(per)} |" for kind, per in sorted(im["by_kind"].items())]
        if im["failures"]:
            lines += ["", "Failures:", ""] + [f"- `{f}`" for f in im["failures"][:20]]
    if og:
        lines += ["", "## Origin faults", "", "| origin | answer | seconds | reason |", "| --- | --- | --- | --- |"]
        lines += [f"| `{fault}` | {status} | {seconds:.1f} | {text[:70]} |" for fault, status, seconds, text in og["rows"]]
    if sk:
        lines += ["", "## Soak", "", "| request kind | answers |", "| --- | --- |"]
        lines += [f"| {kind} | {fmt(per)} |" for kind, per in sk["statuses"].items()]
        lines += ["", "nginx's descriptors are mostly its `open_file_cache` (up to 10,000 cached files, each miss a new",
                  "one); the pool's are imgforge's supervisor and workers.",
                  "", "| seconds | requests | pool resident MB | pool fds | nginx fds |", "| --- | --- | --- | --- | --- |"]
        step = max(1, len(sk["samples"]) // 12)
        lines += [f"| {s[0]} | {s[4]:,} | {s[1]} | {s[2]} | {s[3]} |" for s in sk["samples"][::step] + sk["samples"][-1:]]
    lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))
    for name, ok, figure in checks:
        log(f"{'pass' if ok else 'FAIL'}: {name}: {figure}")
    return all(ok for _, ok, _ in checks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fuzz-seconds", type=int, default=90)
    parser.add_argument("--soak-minutes", type=float, default=20)
    parser.add_argument("--kill-rounds", type=int, default=12)
    parser.add_argument("--port", type=int, default=18590)
    parser.add_argument("--report", default=os.path.join(ROOT, "doc/reliability.md"))
    parser.add_argument("--skip", action="append", default=[], choices=["fuzz", "images", "origin", "process", "soak"])
    args = parser.parse_args()
    # Stopped from outside (Ctrl-C, SIGTERM): still stop everything started, through `finally`.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    for tool in (BINARY,) + (() if "fuzz" in args.skip else (FUZZER,)):
        if not os.path.exists(tool):
            raise SystemExit(f"{tool} is missing: run `make stress`")
    started = time.time()
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    work = tempfile.mkdtemp(prefix="imgforge-stress.")
    random.seed(1)
    results = {}
    stack = None
    try:
        manifest = prepare_images(os.path.join(work, "images"))
        stack = Stack(work, args.port)
        if "fuzz" not in args.skip:
            results["fuzz"] = fuzz_urls(stack, work, args.fuzz_seconds)
        if "images" not in args.skip:
            results["images"] = fuzz_images(stack, manifest)
        if "origin" not in args.skip:
            results["origin"] = origin_faults(stack)
        if "process" not in args.skip:
            results["process"] = process_faults(stack, args.kill_rounds)
        if "soak" not in args.skip:
            results["soak"] = soak(stack, args.soak_minutes, manifest)
    finally:
        if stack:
            stack.stop()
    ok = report(args.report, results, started_at, time.time() - started)
    shutil.rmtree(work, ignore_errors=True)
    log(f"report: {args.report}; {'all criteria pass' if ok else 'FAILED'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
