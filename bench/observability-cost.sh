#!/usr/bin/env bash
# What metrics and request logs cost on the miss path: misses that each store a new small result
# (every request a new URL), served by this build and by a build of a revision before them
# (BASELINE_REV, default the last commit before issue 12's work), alternated round after round
# in one run, each round in another order. This build runs twice: with request lines (IMGFORGE_LOG_LEVEL=info, to a file) and
# without (error), so the two costs can be told apart; the baseline logs errors only.
# usage: bench/observability-cost.sh [seconds per round] [rounds]   (after `swift build -c release`)
# The baseline is checked out and built (release) in BASELINE_DIR (default .build-baseline) once.
. "$(dirname "$0")/lib.sh"
seconds=${1:-10}
rounds=${2:-3}
revision=${BASELINE_REV:-379a91f}
baseline=${BASELINE_DIR:-$root/.build-baseline}
current_root=$root current_binary=$binary
if [ ! -x "$baseline/.build/release/imgforge" ]; then
    [ -d "$baseline" ] || git -C "$root" worktree add --detach "$baseline" "$revision"
    (cd "$baseline" && swift build -c release --product imgforge)
fi

unique_misses

declare -A total
variants=(baseline metrics metrics+logs)
for round in $(seq "$rounds"); do
    # Each round starts with another variant: a machine that slows down or warms up during the run
    # favours none of them.
    for step in 0 1 2; do
        variant=${variants[$(( (round + step) % 3 ))]}
        if [ "$variant" = baseline ]; then
            root=$baseline binary=$baseline/.build/release/imgforge level=error
        else
            root=$current_root binary=$current_binary level=$([ "$variant" = metrics ] && echo error || echo info)
        fi
        rm -rf "$work/cache"
        stack_start IMGFORGE_CACHE_TYPE=disk IMGFORGE_CACHE_DISK_PATH="$work/cache" IMGFORGE_WORKERS=2 IMGFORGE_WORKER_THREADS=2 \
            IMGFORGE_LOG_LEVEL=$level
        rate=$(wrk_rate -t2 -c4 -d"${seconds}s" -s "$work/unique.lua" "$base")
        stack_stop
        echo "round $round, $variant: $rate misses/s"
        total[$variant]=$(echo "${total[$variant]:-0} + $rate" | bc)
    done
done
root=$current_root
mean() { echo "scale=1; ${total[$1]} / $rounds" | bc; }
echo "mean misses/s: baseline $(mean baseline), metrics $(mean metrics), metrics and request lines $(mean metrics+logs)"
echo "ratios to the baseline: metrics $(echo "scale=3; ${total[metrics]} / ${total[baseline]}" | bc), metrics and request lines $(echo "scale=3; ${total[metrics+logs]} / ${total[baseline]}" | bc)"
