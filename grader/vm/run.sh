#!/usr/bin/env bash
# run.sh - run a command in a pure cgroup v2 Debian 12 VM (its own kernel and systemd) and
# print its output: for trying the kit on v2 from a v1 or hybrid machine.
#
#   sudo grader/vm/run.sh [--service] [--timeout S] 'COMMAND'
#   sudo make vm-shell CMD='COMMAND'
#
# COMMAND runs with bash -c as root in /kit-job/kit, a copy of this checkout (its work tree:
# uncommitted changes and new files included, not its build outputs), from a login session
# (session-N.scope under user.slice, as a student's terminal) or, with --service, from a plain
# systemd service (systemd-run --wait --pipe, not delegated: /system.slice/kit-vm-run.service).
# Nothing persists between runs (QEMU -snapshot).  The first run builds the image (about 10 min;
# cached in /var/cache/kit-vm); a boot takes 40-100 s under TCG.  Exits with COMMAND's status.
# Example: sudo grader/vm/run.sh 'make -s && cat /proc/self/cgroup && KIT_PARALLEL=1 grader/grade task2'
set -euo pipefail
. "$(dirname "$0")/lib.sh"
mode=session limit=1800
while [ $# -gt 1 ]; do
    case $1 in
    --service) mode=service; shift ;;
    --timeout) limit=$2; shift 2 ;;
    *) break ;;
    esac
done
[ $# -eq 1 ] || vm_die "usage: run.sh [--service] [--timeout S] 'COMMAND'"
[ "$(id -u)" -eq 0 ] || vm_die "run it as root (it builds an image with debootstrap)"
job=$(mktemp -d /tmp/kit-vm-job.XXXXXX)
trap 'rm -rf "$job"' EXIT
vm_copy_tree "$job/kit"
printf '%s\n' "$1" >"$job/command"
cat >"$job/job.sh" <<'JOB'
cd /kit-job/kit || exit 125
echo "kit-vm: booted in $(cut -d' ' -f1 /proc/uptime) s"
if [ "$(cat /kit-job/mode)" = service ]; then
    exec systemd-run --quiet --wait --pipe --collect --unit=kit-vm-run \
        -p WorkingDirectory=/kit-job/kit bash /kit-job/command
fi
exec bash /kit-job/command
JOB
echo "$mode" >"$job/mode"
"$VM_DIR/boot.sh" "$job" "$limit"
