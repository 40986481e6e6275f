# Shared by the benchmarks: start and stop nginx + imgforge in a scratch directory.
# Source it; call stack_start with extra environment assignments, stack_stop when done.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
binary=$root/.build/release/imgforge
work=${BENCH_DIR:-$(mktemp -d /tmp/imgforge-bench.XXXXXX)}
port=${BENCH_PORT:-18480}
base=http://127.0.0.1:$port

stack_start() {
    mkdir -p "$work/images"
    export IMGFORGE_BIND="unix:$work/imgforge.sock" IMGFORGE_LOCAL_FILESYSTEM_ROOT="$work/images" \
        IMGFORGE_ALLOW_UNSIGNED=true IMGFORGE_LOG_LEVEL=error
    env "$@" "$root/scripts/render-nginx-conf" "$work/nginx" "127.0.0.1:$port" "$binary"
    env "$@" "$binary" serve 2>>"$work/imgforge.log" &
    imgforge_pid=$!
    nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" -g 'daemon off;' &
    nginx_pid=$!
    for _ in $(seq 100); do curl -fs "$base/status" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "stack did not start" >&2
    return 1
}

stack_stop() {
    kill -TERM "$nginx_pid" "$imgforge_pid" 2>/dev/null || true
    wait "$nginx_pid" "$imgforge_pid" 2>/dev/null || true
}

# Requests per second from wrk's summary.
wrk_rate() {
    wrk "$@" | awk '/Requests\/sec/ {print $2}'
}

# The start of a wrk script that gives each thread its number as `tid`: wrk's threads share one random
# sequence, so URLs meant to be unique must carry the thread's number.
wrk_thread_numbers() {
    cat <<'LUA'
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
LUA
}

# The processes given and their children.
with_children() {
    local pid
    for pid in "$@"; do echo "$pid"; pgrep -P "$pid" || true; done
}

# Proportional set size of processes and their children, in MB.
pss_mb() {
    local total=0 pid
    for pid in $(with_children "$@"); do
        total=$((total + $(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
    done
    echo $((total / 1024))
}

# CPU time (user and system, all threads) of processes and their children, in clock ticks.
cpu_ticks() {
    local total=0 pid
    for pid in $(with_children "$@"); do
        total=$((total + $(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# A plain static location in the stack's nginx, on port+1, serving $work/static/ as /plain-static/
# (with open_file_cache, as imgforge's hits have); its address lands in $static_base.
static_server() {
    mkdir -p "$work/static"
    cat >> "$work/nginx/imgforge.conf" <<CONF
server {
    listen 127.0.0.1:$((port + 1));
    open_file_cache max=10000 inactive=60s;
    location /plain-static/ { alias $work/static/; }
}
CONF
    kill -HUP "$nginx_pid"; sleep 0.5
    static_base=http://127.0.0.1:$((port + 1))/plain-static
}

# Misses that each store a new small result: $work/images/p.jpg (400×300) and $work/unique.lua, a wrk
# script (2 threads) whose every request is a new URL (a cache buster no other request uses). With
# `signed`, the URLs are signed with IMGFORGE_KEY and IMGFORGE_SALT (hex), so that imgforge stores the
# results in its own disk cache (unsigned answers are kept by nginx): 20,000 per wrk thread, generated
# beforehand, the same in every round (start each round with an empty cache).
unique_misses() {
    vips xyz "$work/xy.v" 400 300
    mkdir -p "$work/images"
    vips linear "$work/xy.v" "$work/images/p.jpg" 0.5 0 --uchar
    if [ "${1:-}" = signed ]; then
        python3 - "$work" <<'PY'
import base64, hashlib, hmac, os, sys
key, salt = bytes.fromhex(os.environ["IMGFORGE_KEY"]), bytes.fromhex(os.environ["IMGFORGE_SALT"])
for thread in (1, 2):
    with open(f"{sys.argv[1]}/urls-{thread}.txt", "w") as urls:
        for n in range(20000):
            path = f"/w:64/cb:{thread}x{n}/plain/local:///p.jpg"
            signature = hmac.new(key, salt + path.encode(), hashlib.sha256).digest()
            urls.write("/" + base64.urlsafe_b64encode(signature).rstrip(b"=").decode() + path + "\n")
PY
        { wrk_thread_numbers; cat <<LUA
local paths, n = nil, 0
request = function()
  if not paths then
    paths = {}
    for line in io.lines("$work/urls-" .. tid .. ".txt") do paths[#paths + 1] = line end
  end
  n = n + 1
  return wrk.format("GET", paths[(n - 1) % #paths + 1])
end
LUA
        } > "$work/unique.lua"
        return
    fi
    { wrk_thread_numbers; cat <<'LUA'
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/unsafe/w:64/cb:" .. os.time() .. "x" .. tid .. "x" .. n .. "/plain/local:///p.jpg")
end
LUA
    } > "$work/unique.lua"
}
