#!/usr/bin/env bash
# grade-submission.sh - grade one submission in a throwaway VM of its own (grade-all --vm).
#
#   sudo grader/vm/grade-submission.sh [--timeout S] KIT SUBMISSION RESULT [TASK...]
#
# KIT (a copy of the kit) and SUBMISSION (a folder or tarball) become the job disk of a fresh
# boot of the cached Debian 12 image (QEMU -snapshot: nothing the guest writes survives).  In
# the guest's login session grader/submission.sh grades the submission, as on a student's
# machine; the Gradescope JSON comes back on the job's serial line and is written to RESULT.
# What the submission's root code does, it does to a VM that is thrown away: the host, the
# grader and the other submissions are out of its reach even if it attacks the kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
limit=3600
[ "${1:-}" = --timeout ] && { limit=$2; shift 2; }
[ $# -ge 3 ] || vm_die "usage: grade-submission.sh [--timeout S] KIT SUBMISSION RESULT [TASK...]"
kit=$1 submission=$2 result=$3
shift 3
[ "$(id -u)" -eq 0 ] || vm_die "run it as root"
job=$(mktemp -d /tmp/kit-vm-job.XXXXXX)
out=$(mktemp /tmp/kit-vm-out.XXXXXX)
trap 'rm -rf "$job" "$out"' EXIT
cp -a "$kit" "$job/kit"
cp -a "$submission" "$job/submission${submission##*/submission}"
echo "$*" >"$job/tasks"
cat >"$job/job.sh" <<'JOB'
cd /kit-job/kit || exit 125
echo "kit-vm: booted in $(cut -d' ' -f1 /proc/uptime) s"
grader/deps.sh --check || { echo "kit-vm: the image lacks the kit's packages"; exit 3; }
sub=$(ls -d /kit-job/submission* | head -n 1)
grader/submission.sh --format gradescope --out /tmp/result.json "$sub" $(cat /kit-job/tasks)
rc=$?
echo "kit-vm: result-begin"
base64 -w 76 /tmp/result.json
echo "kit-vm: result-end"
exit $rc
JOB
"$VM_DIR/boot.sh" "$job" "$limit" | tee "$out" && rc=0 || rc=$?
sed -n '/^kit-vm: result-begin$/,/^kit-vm: result-end$/{/^kit-vm:/d;p}' "$out" | base64 -d >"$result.tmp" 2>/dev/null &&
    [ -s "$result.tmp" ] && mv "$result.tmp" "$result" || { rm -f "$result.tmp"; vm_die "no result came back from the VM"; }
exit "$rc"
