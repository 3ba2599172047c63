#!/usr/bin/env bash
# under-load.sh - a correct solution keeps full marks on a busy machine.
#
#   grader/bench/under-load.sh [TASK...]     (make bench; root; default: every task)
#
# Two other full gradings of the reference run beside it the whole time (restarted when they
# finish), and meanwhile two correct submissions are graded as `make grade SUBMISSION=` does:
#   reference     the reference's student files
#   alternatives  grader/alternatives (another style), the reference's files where it has none
# The 1-minute load average is sampled every 5 s while they are graded and printed (the issue
# asks for at least 4 on 2 cores; BURN=N adds N busy loops if the gradings alone stay below).
# Prints each score and every test a correct submission lost; exits 1 if one lost any.
# Speed is not judged here: this is about scores.
set -u
kit=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "under-load.sh: needs root (it runs the grader)" >&2; exit 2; }
work=$(mktemp -d /tmp/kit-bench-load.XXXXXX)
helpers=()
cleanup() {
    local pid
    for pid in "${helpers[@]}"; do kill -- "-$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP
export KIT_PARALLEL=1  # several graders at once: each judges only what is its own

# The two submissions.
while read -r rel; do
    for sub in reference alternatives; do
        mkdir -p "$work/subs/$sub/$(dirname "$rel")"
        cp "$kit/$rel" "$work/subs/$sub/$rel"
    done
    [ -f "$kit/grader/alternatives/$rel" ] && cp "$kit/grader/alternatives/$rel" "$work/subs/alternatives/$rel"
done < <("$kit/grader/student-files.sh" "$kit")

# start_helper CMD... : run CMD in a process group of its own, remembered for the cleanup.
start_helper() {
    setsid "$@" </dev/null >/dev/null 2>&1 &
    helpers+=($!)
}
for i in 1 2; do
    start_helper bash -c 'while :; do "$0/grader/grade" "${@}" >/dev/null 2>&1; done' "$kit" "$@"
done
for _ in $(seq "${BURN:-0}"); do start_helper sh -c 'while :; do :; done'; done
start_helper sh -c 'while :; do cut -d" " -f1 /proc/loadavg >>"$0"; sleep 5; done' "$work/load"
sleep 60  # let the load average (a 1-minute mean) catch up with the two gradings

status=0
printf '== grading under load (tasks: %s; two more full gradings beside it%s)\n' "${*:-all}" \
    "${BURN:+, $BURN busy loops}"
for sub in reference alternatives; do
    : >"$work/load"
    "$kit/grader/submission.sh" "$work/subs/$sub" "$@" >"$work/$sub.txt" 2>&1
    score=$(sed -n 's/^Score: //p' "$work/$sub.txt" | tail -n 1)
    load=$(awk '{ s += $1; if ($1 > m) m = $1; if (n++ == 0 || $1 < l) l = $1 }
        END { if (n) printf "%.1f mean, %.1f..%.1f", s / n, l, m; else print "?" }' "$work/load")
    printf '  %-13s %-9s load %s on %s cores\n' "$sub" "${score:-no score}" "$load" "$(nproc)"
    if [ -z "$score" ] || [ "${score%/*}" != "${score#*/}" ]; then
        status=1
        # Each lost test with the first lines of why.
        awk '/^  (FAIL|SKIP) / && !/ 0\/0$/ { n = 4; sub(/^  /, "    lost: ") } n-- > 0' "$work/$sub.txt"
    fi
done
[ "$status" -eq 0 ] && echo "  every correct submission kept full marks under load"
exit "$status"
