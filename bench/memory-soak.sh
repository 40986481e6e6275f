#!/usr/bin/env bash
# The pool's memory over many misses: REQUESTS misses of a 24 MP JPEG (bench/inputs.sh) to 300 px wide at
# q80, 4 connections (2 × the cores of the machine this was written on), every request a new URL, with the
# total proportional set size (PSS) of imgforge's processes sampled every second; prints it after each tenth
# of the requests and the growth from the first tenth to the last.
# usage: bench/memory-soak.sh [requests]   (after `swift build -c release --product imgforge`)
. "$(dirname "$0")/lib.sh"
requests=${1:-10000}
trap 'stack_stop; rm -rf "$work"' EXIT
"$root/bench/inputs.sh" "$work/inputs" >/dev/null
stack_start IMGFORGE_CACHE_TYPE=disk IMGFORGE_CACHE_DISK_PATH="$work/cache" IMGFORGE_WORKERS=4 IMGFORGE_WORKER_THREADS=1
cp "$work/inputs/photo-24mp.jpg" "$work/images/"
# Each of wrk's 2 threads stops after its half of the requests and writes its count every 100 responses,
# so the sampler knows how far the run is.
{ wrk_thread_numbers; cat <<LUA
local n, done = 0, 0
function request()
  n = n + 1
  return wrk.format("GET", "/unsafe/rs:fit:300:0/q:80/cb:soak" .. tid .. "x" .. n .. "/plain/local:///photo-24mp.jpg")
end
function response(status)
  done = done + 1
  if status ~= 200 then io.stderr:write("status " .. status .. "\n") end
  if done % 100 == 0 then
    local f = io.open("$work/progress-" .. tid, "w"); f:write(done); f:close()
  end
  if done >= $((requests / 2)) then wrk.thread:stop() end
end
LUA
} > "$work/soak.lua"
wrk -t2 -c4 -d1h --timeout 60s -s "$work/soak.lua" "$base" > "$work/wrk.txt" &
wrk_pid=$!
step=$((requests / 10)) next=$((requests / 10)) first=""
echo "| misses | pool PSS (MB) |"
echo "| --- | --- |"
while kill -0 "$wrk_pid" 2>/dev/null; do
    done_=$(( $(cat "$work/progress-1" 2>/dev/null || echo 0) + $(cat "$work/progress-2" 2>/dev/null || echo 0) ))
    if [ "$done_" -ge "$next" ]; then
        pss=$(pss_mb "$imgforge_pid")
        echo "| $done_ | $pss |"
        [ -n "$first" ] || first=$pss
        last=$pss next=$((next + step))
    fi
    # A stopped wrk thread does not end wrk before its duration: an interrupt does, with its summary.
    [ "$done_" -lt "$requests" ] || kill -INT "$wrk_pid" 2>/dev/null || true
    sleep 1
done
wait "$wrk_pid"
grep -E 'requests in|Requests/sec|Non-2xx|Socket errors' "$work/wrk.txt"
echo "growth from the first tenth to the last: $(echo "scale=1; ($last - $first) * 100 / $first" | bc) %"
