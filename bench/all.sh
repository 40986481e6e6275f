#!/usr/bin/env bash
# `make bench`: imgforge side by side with its in-process limit and two peers, in one run, on the same
# generated images (bench/inputs.sh), loopback only; prints markdown tables of every figure and ratio and
# writes a plot of the miss time against the source's megapixels.
#
#   hits    wrk -c16 on cached results: imgforge signed and unsigned (nginx alone: try_files over the cache
#           tree), unsigned with an escape in the URI (nginx's fastcgi_cache), a plain static location serving the same bytes, thumbor's
#           result storage, nginx image_filter behind proxy_cache. imgforge is stopped (SIGSTOP) meanwhile.
#   misses  wrk -c4, every request a new URL (a cache buster no other request uses, for every peer), to
#           300 px wide at q80: imgforge (4 workers × 1 thread, signed URLs, as production sends them), imgforge-baseline --pipeline reference
#           (4 processes × 1 thread: the same concurrency, no nginx, FastCGI or fetch), thumbor (Pillow,
#           2 single-process instances behind an nginx upstream with least_conn), image_filter (nginx,
#           2 workers); the peak PSS of each one's processes is sampled in 4 s more of the same misses. For the JPEG → JPEG
#           rows, thumbor's engine in-process too (bench/pillow-reference.py, 4 processes), beside the limit.
#   latency wrk -c1 --latency: imgforge's median miss against the in-process time per operation (1 thread).
#
# Every contestant's files (caches, result storage, scratch) are in /tmp; with BENCH_VOLUME=journal, on a
# journalled ext4 volume that the run mounts (as root, a loop device). The machines this runs on have an ext4
# root without a journal, where a file creation that follows many deletions scans the recently deleted
# inodes; ext4 as installed has a journal, whose flush costs more (see doc/benchmarks.md).
#
# Every server is started here and stopped on exit. Rounds alternate the contestants row by row, so that
# a machine that drifts during the run favours none of them.
# usage: bench/all.sh [seconds per measurement]   (after `make bench`'s setup: wrk, the image_filter
# module, thumbor and matplotlib in BENCH_VENV, release builds of imgforge and imgforge-baseline)
. "$(dirname "$0")/lib.sh"
seconds=${1:-8}
venv=${BENCH_VENV:-$root/.build-bench-venv}
plot=${BENCH_PLOT:-$root/doc/bench-miss-time.png}
baseline=$root/.build/release/imgforge-baseline
images=$work/images
started=$(date +%s)
for tool in wrk nginx vips curl bc "$baseline" "$binary" "$venv/bin/thumbor" "$venv/bin/python"; do
    command -v "$tool" >/dev/null || { echo "missing: $tool (run \`make bench\`)" >&2; exit 1; }
done
[ -f /usr/lib/nginx/modules/ngx_http_image_filter_module.so ] \
    || { echo "missing: nginx's image_filter module (libnginx-mod-http-image-filter)" >&2; exit 1; }

volume=""
if [ "${BENCH_VOLUME:-}" = journal ] && [ "$(id -u)" -eq 0 ] && [ -z "${BENCH_KEEP:-}" ] && [ -z "$(ls -A "$work")" ]; then
    volume=$(mktemp /tmp/imgforge-bench-volume.XXXXXX)
    if ! { truncate -s 8G "$volume" && mkfs.ext4 -q -F "$volume" && mount -o loop "$volume" "$work"; } 2>/dev/null; then
        rm -f "$volume"
        volume=""
    fi
fi
files_on() { [ -n "$volume" ] && echo "a journalled ext4 volume (loop device)" \
    || echo "$(findmnt -n -o FSTYPE --target "$work") of $(findmnt -n -o TARGET --target "$work")"; }

cpu_pids="" thumbor_pids="" if_pid="" th_nginx_pid="" imgforge_pid="" nginx_pid=""
cleanup() {
    [ -z "$imgforge_pid" ] || kill -CONT "$imgforge_pid" 2>/dev/null || true
    for pid in $nginx_pid $imgforge_pid $th_nginx_pid $if_pid $thumbor_pids; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    # the scratch directory, unless it was given (BENCH_DIR) or is to be kept (BENCH_KEEP)
    if [ -n "$volume" ]; then
        umount "$work" 2>/dev/null || umount -l "$work"
        rm -f "$volume"
    fi
    [ -n "${BENCH_DIR:-}" ] || [ -n "${BENCH_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(( $(date +%s) - started ))s] $*" >&2; }

log "files on $(files_on)"
log "inputs in $images"
"$root/bench/inputs.sh" "$images"

# --- the contestants ----------------------------------------------------------------------------------
export IMGFORGE_KEY=736563726574 IMGFORGE_SALT=68656C6C6F
stack_start IMGFORGE_CACHE_TYPE=disk IMGFORGE_CACHE_DISK_PATH="$work/cache" IMGFORGE_WORKERS=4 IMGFORGE_WORKER_THREADS=1
# nginx's cache for unsigned answers, with its 4,096 directories (levels=1:2) made, as in a cache that has
# served a few thousand misses: in an empty one nearly every miss of a short run makes a directory, and
# ext4 spends about 6 % of the machine finding inodes for them.
for a in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
    for b in $(printf '%02x ' $(seq 0 255)); do echo "$work/nginx/tmp/imgforge-cache/$a/$b"; done
done | xargs mkdir -p
# imgforge's own: the 4,096 directories of signatures' first two characters.
chars=$(printf '%s ' {0..9} {a..z} {A..Z} _ -)
for a in $chars; do for b in $chars; do echo "$work/cache/current/$a$b"; done; done | xargs mkdir -p
th_port=$((port + 2)) if_port=$((port + 3)) if_back=$((port + 4))
th_ports="$((port + 5)) $((port + 6))"
static_server

# thumbor: Pillow engine, files from the inputs, results in its file result storage (unsafe URLs too).
mkdir -p "$work/thumbor"
cat > "$work/thumbor/thumbor.conf" <<CONF
LOADER = 'thumbor.loaders.file_loader'
FILE_LOADER_ROOT_PATH = '$images'
STORAGE = 'thumbor.storages.no_storage'
RESULT_STORAGE = 'thumbor.result_storages.file_storage'
RESULT_STORAGE_FILE_STORAGE_ROOT_PATH = '$work/thumbor/results'
RESULT_STORAGE_STORES_UNSAFE = True
ENGINE = 'thumbor.engines.pil'
QUALITY = 80
ALLOW_UNSAFE_URL = True
CONF
for p in $th_ports; do
    "$venv/bin/thumbor" --ip 127.0.0.1 --port "$p" --conf "$work/thumbor/thumbor.conf" -l warning \
        >>"$work/thumbor/thumbor.log" 2>&1 &
    thumbor_pids="$thumbor_pids $!"
done

# One plain nginx per peer, so that each one's memory is its own.
peer_nginx() {   # peer_nginx NAME VARIABLE MAIN-CONTEXT HTTP-CONTEXT; VARIABLE gets the master's pid
    local dir=$work/$1 var=$2; shift
    mkdir -p "$dir/logs" "$dir/tmp"
    cat > "$dir/nginx.conf" <<CONF
$2
$([ "$(id -u)" -eq 0 ] && echo "user root root;")
worker_processes 2;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $dir/tmp/client_body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
$3
}
CONF
    nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" -g 'daemon off;' &
    printf -v "$var" %s $!
}
set -- $th_ports
peer_nginx thumbor-nginx th_nginx_pid "" "
    upstream thumbor { least_conn; server 127.0.0.1:$1 max_fails=0; server 127.0.0.1:$2 max_fails=0; keepalive 8; }
    server {
        listen 127.0.0.1:$th_port;
        location / { proxy_pass http://thumbor; proxy_http_version 1.1; proxy_set_header Connection \"\"; proxy_read_timeout 120s; }
    }"
# image_filter resizes what a static location reads; proxy_cache in front keeps its results.
peer_nginx image-filter if_pid \
    "load_module /usr/lib/nginx/modules/ngx_http_image_filter_module.so;" "
    proxy_cache_path $work/image-filter/cache levels=1:2 keys_zone=resized:10m max_size=2g inactive=1h use_temp_path=off;
    server {
        listen 127.0.0.1:$if_port;
        location / {
            proxy_pass http://127.0.0.1:$if_back;
            proxy_cache resized;
            proxy_cache_key \$request_uri;
            proxy_cache_valid 200 1h;
            add_header X-Cache \$upstream_cache_status;
        }
    }
    server {
        listen 127.0.0.1:$if_back;
        location / {
            root $images;
            image_filter resize 300 -;
            image_filter_jpeg_quality 80;
            image_filter_webp_quality 80;
            image_filter_buffer 32M;
        }
    }"
for url in $(for p in $th_ports; do echo "http://127.0.0.1:$p/healthcheck"; done) "http://127.0.0.1:$th_port/healthcheck" \
    "http://127.0.0.1:$if_port/photo-0.5mp.jpg" "$base/status"; do
    for _ in $(seq 300); do curl -fs -o /dev/null "$url" && break; sleep 0.2; done
    curl -fs -o /dev/null "$url" || { echo "did not start: $url" >&2; exit 1; }
done
log "all servers up"

# --- helpers ------------------------------------------------------------------------------------------
# Every request a new URL: BENCH_PATH with {cb} replaced by the measurement's tag, wrk's thread and a count.
{ wrk_thread_numbers; cat <<'LUA'
local pattern = os.getenv("BENCH_PATH")
local tag = os.getenv("BENCH_TAG")
local n = 0
function request()
  n = n + 1
  local path = pattern:gsub("{cb}", tag .. "x" .. tid .. "x" .. n)
  return wrk.format("GET", path)
end
LUA
} > "$work/unique.lua"
# Signed URLs cannot be made in wrk's Lua: sign_paths writes, for each wrk thread, 30,000 of BENCH_PATH
# (signed with IMGFORGE_KEY and IMGFORGE_SALT) to $work/signed/TAG-THREAD.txt, which signed.lua reads.
sign_paths() {
    mkdir -p "$work/signed"
    python3 - "$work/signed" "$1" "$2" <<'PY'
import base64, hashlib, hmac, os, sys
key, salt = bytes.fromhex(os.environ["IMGFORGE_KEY"]), bytes.fromhex(os.environ["IMGFORGE_SALT"])
directory, pattern, tag = sys.argv[1:]
for thread in (1, 2):
    with open(f"{directory}/{tag}-{thread}.txt", "w") as urls:
        for n in range(1, 30001):
            path = pattern.replace("{cb}", f"{tag}x{thread}x{n}")
            signature = hmac.new(key, salt + path.encode(), hashlib.sha256).digest()
            urls.write("/" + base64.urlsafe_b64encode(signature).rstrip(b"=").decode() + path + "\n")
PY
}
{ wrk_thread_numbers; cat <<LUA
local tag = os.getenv("BENCH_TAG")
local paths, n = nil, 0
function request()
  if not paths then
    paths = {}
    for line in io.lines("$work/signed/" .. tag .. "-" .. tid .. ".txt") do paths[#paths + 1] = line end
  end
  n = n + 1
  return wrk.format("GET", paths[n])
end
LUA
} > "$work/signed.lua"
measurements=0
# wrk_run NAME WRK-ARGUMENTS...: keeps wrk's report as $work/wrk-NAME.txt; warns of failed requests.
wrk_run() {
    local name=$1; shift
    wrk "$@" > "$work/wrk-$name.txt"
    if grep -qE 'Non-2xx|Socket errors' "$work/wrk-$name.txt"; then
        echo "warning: $name: $(grep -E 'Non-2xx|Socket errors' "$work/wrk-$name.txt" | tr -s ' ')" >&2
    fi
}
rate_of() { awk '/Requests\/sec/ {print $2}' "$work/wrk-$1.txt"; }
# p50 of a --latency report, in ms.
p50_of() {
    awk '$1 == "50%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
        print (u == "us" ? v / 1000 : u == "s" ? v * 1000 : u == "m" ? v * 60000 : v) }' "$work/wrk-$1.txt"
}
# misses NAME URL-BASE PATH-WITH-{cb} CONNECTIONS [wrk options]: a short warm-up, then one measurement;
# the CPU time of cpu_pids (the contestant's processes and the nginx in front of it) per miss lands in
# $work/cpu-NAME. A path written `signed:/…` is asked for signed.
misses() {
    local name=$1 url=$2 path=$3 connections=$4 script=$work/unique.lua; shift 4
    measurements=$((measurements + 1))
    if [[ $path == signed:* ]]; then
        path=${path#signed:} script=$work/signed.lua
        sign_paths "$path" "w$started$measurements"
        sign_paths "$path" "m$started$measurements"
        # Their 18 MB written back now, not while the misses flush their files.
        sync
    fi
    BENCH_PATH=$path BENCH_TAG="w$started$measurements" wrk -t1 -c"$connections" -d1s --timeout 60s \
        -s "$script" "$url" > /dev/null
    # What the warm-up left in flight (wrk closed those connections) finishes before the measurement.
    sleep 1
    local before after
    before=$(cpu_ticks $cpu_pids)
    BENCH_PATH=$path BENCH_TAG="m$started$measurements" wrk_run "$name" -t"$(( connections > 1 ? 2 : 1 ))" \
        -c"$connections" -d"${miss_seconds:-$seconds}s" --timeout 60s -s "$script" "$@" "$url"
    after=$(cpu_ticks $cpu_pids)
    awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" '/requests in/ { if ($1 > 0) printf "%.2f\n", t * 1000 / hz / $1 }' \
        "$work/wrk-$name.txt" > "$work/cpu-$name"
}
# misses_and_memory NAME PIDS -- URL-BASE PATH CONNECTIONS: misses NAME measured alone, then 4 s more while the
# peak PSS of PIDS is sampled (as pss-NAME). Reading a process's smaps takes its memory map's lock: sampled
# during the measurement, it cost imgforge's 2 MP misses 8–15 % of their rate.
misses_and_memory() {
    local name=$1 pids=""
    shift
    while [ "$1" != -- ]; do pids="$pids $1"; shift; done
    shift
    misses "$name" "$@"
    miss_seconds=4
    with_peak_pss "$name" $pids -- misses "memory-$name" "$@"
    miss_seconds=""
}
# with_peak_pss NAME PIDS -- COMMAND...: runs COMMAND while sampling the PSS of PIDS (and children);
# the peak lands in $work/pss-NAME.
with_peak_pss() {
    local name=$1 pids="" ; shift
    while [ "$1" != -- ]; do pids="$pids $1"; shift; done; shift
    ( peak=0; while :; do now=$(pss_mb $pids); [ "$now" -gt "$peak" ] && peak=$now && echo "$peak" > "$work/pss-$name"; sleep 0.3; done ) &
    local sampler=$!
    "$@"
    kill "$sampler"; wait "$sampler" 2>/dev/null || true
}
# in_processes KIND NAME PROCESSES COMMAND...: runs COMMAND in PROCESSES processes at once, each printing
# `operations=N per_second=R cpu_ms_per_operation=C`; their summed operations per second land in
# $work/KIND-NAME, and the CPU per operation over all of them (their own time, every thread included,
# over all their operations) in $work/KINDcpu-NAME.
in_processes() {
    local kind=$1 name=$2 processes=$3 i pids=""
    shift 3
    for i in $(seq "$processes"); do
        "$@" > "$work/$kind-$name-$i.txt" 2>&1 &
        pids="$pids $!"
    done
    wait $pids
    cat "$work/$kind-$name"-*.txt | sed -n 's/.*per_second=\([0-9.]*\).*/\1/p' \
        | awk '{ t += $1 } END { printf "%.1f\n", t }' > "$work/$kind-$name"
    cat "$work/$kind-$name"-*.txt | sed -n 's/.*operations=\([0-9]*\).*cpu_ms_per_operation=\([0-9.]*\).*/\1 \2/p' \
        | awk '{ ops += $1; ms += $1 * $2 } END { if (ops > 0) printf "%.2f\n", ms / ops }' > "$work/${kind}cpu-$name"
}
# limit NAME PROCESSES FILE FORMAT: imgforge-baseline's reference pipeline in PROCESSES processes of 1 thread.
limit() {
    in_processes limit "$1" "$2" "$baseline" "$images/$3" --pipeline reference --width 300 --quality 80 --format "$4" \
        --threads 1 --seconds "$seconds"
}
# pillow NAME PROCESSES FILE: thumbor's engine in-process (bench/pillow-reference.py: the steps of its
# Pillow engine, without its HTTP server), JPEG → JPEG only.
pillow() {
    in_processes pillow "$1" "$2" "$venv/bin/python" "$root/bench/pillow-reference.py" "$images/$3" 300 80 "$seconds"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "—"; else printf "%.2f", a / b }'; }
# cells ORDER OURS OTHER...: table cells of imgforge's figure, then of each other figure beside its ratio
# (ORDER ours: imgforge / the other; other: the other / imgforge); — where a figure is missing.
cells() {
    local order=$1 ours=$2 other
    shift 2
    printf '| %s ' "$ours"
    for other; do
        if [ "$other" = — ] || [ "$ours" = — ]; then printf '| %s | — ' "$other"
        elif [ "$order" = ours ]; then printf '| %s | %s ' "$other" "$(ratio "$ours" "$other")"
        else printf '| %s | %s ' "$other" "$(ratio "$other" "$ours")"
        fi
    done
    echo "|"
}
value() { [ -s "$1" ] && cat "$1" || echo "—"; }
# table_head TITLE-LINE... -- COLUMN...: a table's title, its header row and the separator row.
table_head() {
    echo
    while [ "$1" != -- ]; do echo "### $1"; shift; done
    shift
    echo
    local header="|" separator="|" column
    for column; do header="$header $column |"; separator="$separator --- |"; done
    echo "$header"
    echo "$separator"
}

# --- hits ---------------------------------------------------------------------------------------------
signed=$base$("$binary" sign /rs:fit:300:0/q:80/plain/local:///photo-2mp.jpg)
unsigned=$base/unsafe/rs:fit:300:0/q:80/plain/local:///photo-2mp.jpg
kept=$base/unsafe/rs:fit:300:0/q:80/plain/local:///photo%2D2mp.jpg   # outside the strict form of a file name
th_hit=http://127.0.0.1:$th_port/unsafe/300x0/photo-2mp.jpg
if_hit=http://127.0.0.1:$if_port/photo-2mp.jpg
for url in "$signed" "$unsigned" "$kept" "$th_hit" "$if_hit"; do curl -fsS -o /dev/null "$url"; done   # the misses that fill the caches
cp "$(find "$work/cache/current/" -name '*.jpg' | head -1)" "$work/static/photo.jpg"
static=$static_base/photo.jpg
cmp -s <(curl -fsS "$signed") <(curl -fsS "$static") && cmp -s <(curl -fsS "$unsigned") <(curl -fsS "$static") \
    && cmp -s <(curl -fsS "$kept") <(curl -fsS "$static") \
    || { echo "the static file is not imgforge's result" >&2; exit 1; }
[ "$(curl -fsS -o /dev/null -D - "$if_hit" | tr -d '\r' | awk '/^X-Cache:/ {print $2}')" = HIT ] \
    || { echo "image_filter's result is not cached" >&2; exit 1; }
hit_kinds="static signed unsigned kept thumbor image_filter"
declare -A hit_url=([static]=$static [signed]=$signed [unsigned]=$unsigned [kept]=$kept [thumbor]=$th_hit [image_filter]=$if_hit)
declare -A hit_total
kill -STOP "$imgforge_pid"   # imgforge's hits must not need imgforge at all
for round in 1 2 3; do
    for kind in $hit_kinds; do
        wrk_run "hit-$kind-$round" -t2 -c16 -d"${seconds}s" "${hit_url[$kind]}"
        hit_total[$kind]=$(echo "${hit_total[$kind]:-0} + $(rate_of "hit-$kind-$round")" | bc)
        log "hit round $round, $kind: $(rate_of "hit-$kind-$round") req/s"
    done
done
kill -CONT "$imgforge_pid"
for kind in $hit_kinds; do hit_total[$kind]=$(echo "scale=1; ${hit_total[$kind]} / 3" | bc); done

# --- misses, 4 connections ----------------------------------------------------------------------------
# row: file, imgforge options (after rs:fit:300:0/q:80), baseline format ("" = none), thumbor filters
# ("-" = none, "" = not supported), image_filter (yes/no)
rows=(
    "photo-0.5mp.jpg||jpeg|-|yes"
    "photo-2mp.jpg||jpeg|-|yes"
    "photo-8mp.jpg||jpeg|-|yes"
    "photo-24mp.jpg||jpeg|-|yes"
    "photo-2mp.jpg|/f:webp|webp|filters:format(webp):|no"
    "photo-2mp.jpg|/f:avif|avif||no"
    "alpha-2mp.png||png|-|yes"
    "anim.gif|||-|yes"
)
label() {
    local file=$1 options=$2 out
    case $options in /f:webp) out=WebP ;; /f:avif) out=AVIF ;; *) case $file in *.png) out=PNG ;; *.gif) out=GIF ;; *) out=JPEG ;; esac ;; esac
    case $file in
        photo-*) echo "$(echo "$file" | sed 's/photo-\(.*\)mp.jpg/\1/') MP JPEG → $out" ;;
        alpha-*) echo "2 MP PNG with alpha → $out" ;;
        anim.gif) echo "GIF, 8 frames of 480×360 → $out (image_filter: the first frame only)" ;;
    esac
}
imgforge_pids() { echo "$imgforge_pid"; }
for i in "${!rows[@]}"; do
    IFS='|' read -r file options format filters filter <<< "${rows[$i]}"
    log "misses: $(label "$file" "$options")"
    cpu_pids="$imgforge_pid $nginx_pid"
    misses_and_memory "imgforge-$i" "$imgforge_pid" -- "$base" "signed:/rs:fit:300:0/q:80$options/cb:{cb}/plain/local:///$file" 4
    [ -n "$format" ] && limit "$i" 4 "$file" "$format"
    case $file/$options in photo-*/) pillow "$i" 4 "$file" ;; esac
    if [ -n "$filters" ]; then
        [ "$filters" = - ] && filters=filters:
        cpu_pids="$thumbor_pids $th_nginx_pid"
        misses_and_memory "thumbor-$i" $thumbor_pids -- "http://127.0.0.1:$th_port" "/unsafe/300x0/${filters}cb({cb})/$file" 4
    fi
    if [ "$filter" = yes ]; then
        cpu_pids="$if_pid"
        misses_and_memory "image_filter-$i" "$if_pid" -- "http://127.0.0.1:$if_port" "/$file?cb={cb}" 4
    fi
done

# --- latency at concurrency 1 -------------------------------------------------------------------------
for i in 0 1 2 3; do
    IFS='|' read -r file _ <<< "${rows[$i]}"
    log "one at a time: $file"
    cpu_pids="$imgforge_pid $nginx_pid"
    misses "p50-$i" "$base" "signed:/rs:fit:300:0/q:80/cb:{cb}/plain/local:///$file" 1 --latency
    limit "one-$i" 1 "$file" jpeg
done

# --- the tables ---------------------------------------------------------------------------------------
table_head "Hits: wrk -t2 -c16, ${seconds} s × 3 rounds (mean req/s)" -- "hit path" "req/s" "ratio to static" "imgforge signed / this" "imgforge unsigned / this"
for kind in $hit_kinds; do
    case $kind in
        static) what="plain static file, default nginx location (imgforge's result bytes)" ;;
        signed) what="imgforge, signed URL (nginx alone: try_files over the cache tree)" ;;
        unsigned) what="imgforge, unsigned URL (nginx alone: try_files over the cache tree)" ;;
        kept) what="imgforge, unsigned URL with an escape (nginx's fastcgi_cache)" ;;
        thumbor) what="thumbor, file result storage (2 processes)" ;;
        image_filter) what="nginx image_filter behind proxy_cache" ;;
    esac
    echo "| $what | ${hit_total[$kind]} | $(ratio "${hit_total[$kind]}" "${hit_total[static]}") |" \
        "$(ratio "${hit_total[signed]}" "${hit_total[$kind]}") | $(ratio "${hit_total[unsigned]}" "${hit_total[$kind]}") |"
done
table_head "Misses: every request a new URL, 4 connections, ${seconds} s (misses/s; ratios are imgforge / the other)" \
    "Every contestant's files on $(files_on)." -- "source → 300 px wide, q80" "imgforge" "in-process limit (4 × 1)" "imgforge / limit" "thumbor" "imgforge / thumbor" "image_filter" "imgforge / image_filter"
for i in "${!rows[@]}"; do
    IFS='|' read -r file options _ <<< "${rows[$i]}"
    ours=$(rate_of "imgforge-$i")
    lim=$(value "$work/limit-$i")
    th=$([ -f "$work/wrk-thumbor-$i.txt" ] && rate_of "thumbor-$i" || echo —)
    fi_=$([ -f "$work/wrk-image_filter-$i.txt" ] && rate_of "image_filter-$i" || echo —)
    echo "| $(label "$file" "$options") $(cells ours "$ours" "$lim" "$th" "$fi_")"
done
table_head "CPU per miss (ms): the contestant's processes and the nginx in front of it, user and system time / misses" "(the limit: its processes' own time / operations). Ratios are the other / imgforge: above 1, imgforge needs less." -- "source → 300 px wide, q80" "imgforge" "in-process limit" "limit / imgforge" "thumbor" "thumbor / imgforge" "image_filter" "image_filter / imgforge"
for i in "${!rows[@]}"; do
    IFS='|' read -r file options _ <<< "${rows[$i]}"
    ours=$(value "$work/cpu-imgforge-$i") lim=$(value "$work/limitcpu-$i")
    th=$(value "$work/cpu-thumbor-$i") fi_=$(value "$work/cpu-image_filter-$i")
    echo "| $(label "$file" "$options") $(cells other "$ours" "$lim" "$th" "$fi_")"
done
table_head "In-process, no server: imgforge's limit (libvips) against thumbor's engine (Pillow), 4 processes × 1 thread each" "(ratios are libvips / Pillow: above 1, libvips is ahead)" -- "source → 300 px wide, q80" "libvips limit (ops/s)" "Pillow (ops/s)" "libvips / Pillow" "libvips CPU per op (ms)" "Pillow CPU per op (ms)" "Pillow / libvips CPU"
for i in "${!rows[@]}"; do
    IFS='|' read -r file options _ <<< "${rows[$i]}"
    [ -s "$work/pillow-$i" ] || continue
    lim=$(value "$work/limit-$i") pil=$(value "$work/pillow-$i")
    limcpu=$(value "$work/limitcpu-$i") pilcpu=$(value "$work/pillowcpu-$i")
    echo "| $(label "$file" "$options") | $lim | $pil | $(ratio "$lim" "$pil") | $limcpu | $pilcpu | $(ratio "$pilcpu" "$limcpu") |"
done
table_head "Peak PSS during the misses (MB; ratios are imgforge / the other)" -- "source" "imgforge (supervisor + 4 workers)" "thumbor (2 processes)" "imgforge / thumbor" "image_filter (nginx master + 2 workers)" "imgforge / image_filter"
for i in "${!rows[@]}"; do
    IFS='|' read -r file options _ <<< "${rows[$i]}"
    ours=$(value "$work/pss-imgforge-$i") th=$(value "$work/pss-thumbor-$i") fi_=$(value "$work/pss-image_filter-$i")
    echo "| $(label "$file" "$options") $(cells ours "$ours" "$th" "$fi_")"
done
table_head "One at a time: imgforge's median miss (wrk -c1 --latency) against the in-process time per operation (1 thread)" -- "source" "MP" "in-process (ms)" "imgforge p50 (ms)" "imgforge / in-process"
: > "$work/miss-time.tsv"
for i in 0 1 2 3; do
    IFS='|' read -r file _ <<< "${rows[$i]}"
    mp=$(vipsheader -f width "$images/$file" | awk -v h="$(vipsheader -f height "$images/$file")" '{ printf "%.2f", $1 * h / 1e6 }')
    one=$(awk '{ printf "%.2f", 1000 / $1 }' "$work/limit-one-$i")
    p50=$(p50_of "p50-$i")
    echo "| $(label "$file" "") | $mp | $one | $p50 | $(ratio "$p50" "$one") |"
    printf '%s\t%s\t%s\n' "$mp" "$one" "$p50" >> "$work/miss-time.tsv"
done
"$venv/bin/python" "$root/bench/plot-miss-time.py" "$work/miss-time.tsv" "$plot"
echo
echo "Plot: ${plot#"$root"/}. Run time: $(( $(date +%s) - started )) s, ${seconds} s per measurement."
