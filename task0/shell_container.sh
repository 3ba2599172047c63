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
    # >>> 0.2 Join GROUP (this function runs in a subshell of its own: the group is for the
    #     container, not for the script), then replace this subshell with the container: new
    #     PID, mount, UTS and IPC namespaces; in them, a proc filesystem mounted at ROOTFS/proc
    #     for the new PID namespace, the hostname NAME, and ROOTFS made the root before CMD
    #     runs as PID 1.
    #     Man pages: cgroups(7) (cgroup.procs; bash(1) on $$ in a subshell), unshare(1) (what
    #     a new PID namespace needs before its first process; how mounts are kept from the
    #     host), hostname(1), chroot(8).  Check: ls /proc/PID/ns, cat /proc/PID/status (NSpid).
    echo "$BASHPID" >"$group/cgroup.procs"
    exec unshare --pid --fork --kill-child --mount --uts --ipc --mount-proc="$rootfs/proc" \
        /bin/sh -c 'hostname "$1" && shift && exec chroot "$@"' sh "$name" "$rootfs" "$@"
    # <<< 0.2 stub: exit 125
}

cmd_run() {
    [ $# -ge 3 ] || usage
    local rootfs=$1 name=$2 parent group status
    shift 2
    [ -d "$rootfs/proc" ] && [ -x "$rootfs/bin/sh" ] || die "$rootfs is not a root filesystem"
    parent=$(kit_cgroup_parent pids) || die "no cgroup to work in"
    group=$parent/shell-container-$$
    # However the script ends from here (set -e included), the group goes with it.
    trap "remove_group $(printf %q "$group")" EXIT
    # >>> 0.1 Make GROUP a new cgroup in which at most 20 tasks may run (cgroups(7): a group
    #     is a directory of the cgroup filesystem; the pids controller's limit file).
    mkdir "$group"
    echo 20 >"$group/pids.max"
    # <<< 0.1 stub: mkdir "$group"
    status=0
    (start_container "$group" "$rootfs" "$name" "$@") || status=$?
    return "$status"
}

cmd_exec() {
    [ $# -ge 2 ] || usage
    local pid=$1 group
    shift
    [ -r "/proc/$pid/ns/pid" ] || die "no process $pid"
    group=$(pids_group_of "$pid") || die "cannot find the cgroup of $pid"
    # >>> 0.3 Run CMD inside the container whose PID 1 is PID: in its cgroup GROUP first (as
    #     in 0.2, in a subshell), then in every one of its namespaces, with its root as the
    #     root and working directory, so CMD sees what PID 1 sees.
    #     Man pages: nsenter(1) (which options enter which namespaces, the root and the
    #     working directory; why the PID namespace needs a fork), setns(2).
    (
        echo "$BASHPID" >"$group/cgroup.procs"
        exec nsenter --target "$pid" --all --root --wd -- "$@"
    )
    # <<< 0.3 stub: return 125
}

case ${1:-} in
run) shift; cmd_run "$@" ;;
exec) shift; cmd_exec "$@" ;;
*) usage ;;
esac
