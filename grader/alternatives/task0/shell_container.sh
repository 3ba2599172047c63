#!/bin/bash
# shell_container.sh - a container from the shell, before the C versions of task1 and task2:
# new namespaces with unshare(1), a root of its own with chroot(8), a limit on its tasks
# written to cgroupfs by hand, and nsenter(1) to get into it while it runs.
#
#   shell_container.sh run ROOTFS NAME CMD [ARG...]
#       CMD as PID 1 of a new container: new PID, mount, UTS and IPC namespaces, hostname
#       NAME, ROOTFS as its root with a /proc of its own, at most 20 tasks; exits with CMD's
#       status.  The host keeps its hostname and its /proc.
#   shell_container.sh exec PID CMD [ARG...]
#       CMD inside the running container whose PID 1 has host PID PID: every namespace, its
#       root and its cgroup; exits with CMD's status.
#
# Run as root (sudo ...).  The walkthrough is docs/task0.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../common/sh/cgroup.sh"
kit_cgroup_delegate pids "$0" "$@"

die() { echo "shell_container: $*" >&2; exit 125; }
usage() { sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# The group of the cgroup tree holding the pids controller that PID is in (cgroups(7):
# /proc/PID/cgroup has a line "ID:CONTROLLERS:PATH" per hierarchy, "0::PATH" for v2).
pids_group_of() {
    local line
    line=$(grep -E '^[0-9]+:([^:]*,)?pids(,[^:]*)?:' "/proc/$1/cgroup" ||
        grep '^0::' "/proc/$1/cgroup") || return 1
    echo "$(kit_cgroup_mount pids)${line#*:*:}"
}

# Remove GROUP once the processes in it are gone (rmdir fails with EBUSY until then).
remove_group() {
    local i
    for i in $(seq 50); do
        rmdir "$1" 2>/dev/null && return 0
        [ -d "$1" ] || return 0
        sleep 0.1
    done
    echo "shell_container: cannot remove $1" >&2
}

# start_container GROUP ROOTFS NAME CMD... : runs the container in the foreground.
start_container() {
    local group=$1 rootfs=$2 name=$3
    shift 3
    sh -c 'echo $PPID' >"$group/cgroup.procs"   # the subshell, seen as the child's parent
    exec unshare -fpmui --kill-child --propagation private -- sh -c '
        mount -t proc proc "$1/proc" || exit 125
        hostname "$2" || exit 125
        root=$1; shift 2
        exec unshare --root="$root" -- "$@"' sh "$rootfs" "$name" "$@"
}

cmd_run() {
    [ $# -ge 3 ] || usage
    local rootfs=$1 name=$2 parent group status
    shift 2
    [ -d "$rootfs/proc" ] && [ -x "$rootfs/bin/sh" ] || die "$rootfs is not a root filesystem"
    parent=$(kit_cgroup_parent pids) || die "no cgroup to work in"
    group=$parent/shell-container-$$
    install -d -m 755 "$group" && printf '%d\n' 20 | tee "$group/pids.max" >/dev/null
    status=0
    (start_container "$group" "$rootfs" "$name" "$@") || status=$?
    remove_group "$group"
    return "$status"
}

cmd_exec() {
    [ $# -ge 2 ] || usage
    local pid=$1 group
    shift
    [ -r "/proc/$pid/ns/pid" ] || die "no process $pid"
    group=$(pids_group_of "$pid") || die "cannot find the cgroup of $pid"
    sh -c 'echo $$ >"$1/cgroup.procs" && t=$2 && shift 2 && exec nsenter -t "$t" -p -m -u -i -n -C -r -w -- "$@"' \
        sh "$group" "$pid" "$@"
}

case ${1:-} in
run) shift; cmd_run "$@" ;;
exec) shift; cmd_exec "$@" ;;
*) usage ;;
esac
