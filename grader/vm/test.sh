#!/usr/bin/env bash
# test.sh - the kit's check on a real pure cgroup v2 machine: grade every task (or TASK...) in a
# Debian 12 VM from a login session and from a systemd service; fail unless every one is full.
#
#   sudo grader/vm/test.sh [--timeout S] [TASK...]        (sudo make vm-test [TASK=task2])
#
# Between the two ways of grading, guest-by-hand.sh runs the programs by hand from the login
# session as a student does, without the grader (KIT_VM_BY_HAND= leaves that out).
# Builds the image once (image.sh), boots it (boot.sh) with this checkout, runs guest-grade.sh
# in the guest's login session, prints the grader's tables as they come, then a summary:
#   vm-test: task2 session 59/59 (180 s) service 59/59 (175 s)
# and a closing line "vm-test: N passed, M failed, K missing" (a line per task and way of
# running, and per by-hand check; missing: never reported, e.g. the time ran out).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
limit=${KIT_VM_TIMEOUT:-5400}
[ "${1:-}" = --timeout ] && { limit=$2; shift 2; }
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=($(cd "$KIT_TREE/grader" && ls task*.bats | sed -E 's/^(task[0-9]+).*/\1/' | sort -uV))
[ "$(id -u)" -eq 0 ] || vm_die "run it as root: sudo make vm-test"
job=$(mktemp -d /tmp/kit-vm-job.XXXXXX)
out=$(mktemp /tmp/kit-vm-out.XXXXXX)
trap 'rm -rf "$job" "$out"' EXIT
vm_copy_tree "$job/kit"
cp "$VM_DIR/guest-grade.sh" "$job/job.sh"
echo "${tasks[*]}" >"$job/tasks"
by_hand=${KIT_VM_BY_HAND-1}
[ -z "$by_hand" ] || touch "$job/by-hand"
start=$(date +%s)
"$VM_DIR/boot.sh" "$job" "$limit" | tee "$out" && rc=0 || rc=$?

pass=0 fail=0 missing=0
# count RESULT : a result line's verdict (GOT/BEST): full, short of full, or never reported.
count() {
    local got=${1%%/*} best=${1#*/}
    if [ -z "$1" ]; then missing=$((missing + 1))
    elif [ "$best" -gt 0 ] && [ "$got" = "$best" ]; then pass=$((pass + 1))
    else fail=$((fail + 1)); fi
}
for t in "${tasks[@]}"; do
    line="vm-test: $t"
    for mode in session service; do
        r=$(awk -v m="$mode" -v t="$t" '$1 == "kit-vm:" && $2 == "result" && $3 == m && $4 == t \
            { print $5 " (" $6 " s)" }' "$out" | tail -1)
        line+=" $mode ${r:-missing}"
        count "${r%% *}"
    done
    echo "$line"
done
# The programs by hand from the login session (guest-by-hand.sh), one line a check.
if [ -n "$by_hand" ]; then
    for c in $(sed -n 's/^check \([^ ]*\) .*/\1/p' "$VM_DIR/guest-by-hand.sh"); do
        r=$(awk -v c="$c" '$1 == "kit-vm:" && $2 == "result" && $3 == "hand" && $4 == c { print $5 }' "$out" | tail -1)
        echo "vm-test: by hand $c ${r:-missing}"
        count "$r"
    done
fi
echo "vm-test: ran $(($(date +%s) - start)) s (job status $rc)"
# "missing": the guest never reported it (it ran out of time, or stopped early: job status).
echo "vm-test: $pass passed, $fail failed, $missing missing"
# Exit 1 for a wrong result; 124 when the only trouble is the time limit (boot.sh's 124);
# otherwise 1 unless everything was reported and the job ended well.
[ "$fail" -eq 0 ] || exit 1
[ "$rc" -ne 124 ] || exit 124
[ "$missing" -eq 0 ] && [ "$rc" -eq 0 ]
