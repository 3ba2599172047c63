#!/usr/bin/env bash
# docs-session.bash WORK KIT - one walkthrough's shell blocks, in order, in this one shell (so
# a variable, an export or a cd of one block is there for the next), as a reader types them.
# grader/docs-check starts it as PID 1 of new mount, UTS, network and PID namespaces, so
# what the blocks mount, rename, wire or leave running never reaches the machine.
#
# WORK holds the blocks (N.sh, the order file) from docs_check.py extract; the session writes
# there: status ("begin N" / "end N STATUS"), stdout and stderr (each block's part follows a
# mark "\036N\036"; a block with an output block N.expect writes its stderr to stdout),
# N.failed (the line and status of each failed command: the ERR trap, which judges as
# `set -e` would without stopping), and left (what the blocks left behind at the end:
# processes, mounts, links, nft tables, a changed hostname).
__docs_work=$1 __docs_kit=$2

# A root login's environment, not the runner's: the kit's programs (conductor) on PATH, a
# scratch state root for conductor, and the cgroup parent the runner gives (cgroup v2).
if [ -z "${__docs_clean:-}" ]; then
    exec env -i __docs_clean=1 HOME=/root USER=root LOGNAME=root SHELL=/bin/bash LANG=C.UTF-8 \
        PATH=/tmp/kit/task3:/tmp/kit/common/tools:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        CONDUCTOR_ROOT=/tmp/conductor CONDUCTOR_CONFIG=/dev/null \
        ${KIT_CGROUP_PARENT:+KIT_CGROUP_PARENT="$KIT_CGROUP_PARENT"} bash "$0" "$@"
fi
unset __docs_clean
# And no file descriptor but 0, 1 and 2, as a fresh login has.
for __docs_fd in /proc/$$/fd/*; do
    __docs_fd=${__docs_fd##*/}
    [ "$__docs_fd" -gt 2 ] && eval "exec $__docs_fd>&-"
done

# The kit, held open: it may live below /tmp (a clone in /tmp), which the next line covers.
exec 7<"$__docs_kit" || exit 125
# A /tmp of its own: the docs make /tmp/rootfs, /tmp/lab ... and must not meet the machine's.
mount -t tmpfs -o mode=1777 kit-docs-tmp /tmp || exit 125
# And a home of its own: what a block writes to ~ must not land in the machine's /root.
mount -t tmpfs -o mode=700 kit-docs-home /root || exit 125
# A /proc of this PID namespace in place of the machine's (not on top of it: one proc at /proc,
# as on a machine), and / shared as systemd makes it: a walkthrough must not rely on less.
# (Both only in this mount namespace: its mounts are private copies, peers of nothing outside.)
mkdir /tmp/proc && mount -t proc -o nosuid,nodev,noexec proc /tmp/proc && umount -l /proc &&
    mount --move /tmp/proc /proc && rmdir /tmp/proc && mount --make-rshared / || exit 125
# The kit as built, copied: what the blocks build or write in it stays in the copy.
# (Through the open directory: /proc/self/fd/7 leads to it wherever its path now points.)
mkdir /tmp/kit && tar -C /proc/self/fd/7 --exclude=./.git --exclude=./build --exclude=./dist \
    -cf - . | tar -C /tmp/kit -xf - || exit 125
exec 7<&-
cd /tmp/kit || exit 125

__docs_snapshot() {
    awk '{ print "mount " $5 }' /proc/self/mountinfo
    ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print "link " $2 }'
    nft list tables 2>/dev/null | sed 's/^table /nft table /'
    echo "hostname $(hostname)"
}
__docs_snapshot | sort >"$__docs_work/state.before"

exec 3>>"$__docs_work/status" 5>>"$__docs_work/stdout" 6>>"$__docs_work/stderr"
# (Only the blocks' own commands: the trap also sees the `source` of a block that failed.)
# (Its text on one line: $LINENO counts the lines of the trap's own text too.)
__docs_failed() { [ "$2" = "$__docs_work/$__docs_n.sh" ] && echo "$1" >>"$__docs_work/$__docs_n.failed"; }
trap '__docs_failed "$LINENO $?" "${BASH_SOURCE[0]}"' ERR
while read -r __docs_n <&4; do
    echo "begin $__docs_n" >&3
    # One stdout and one stderr for the whole session, as a terminal has: what a background
    # job of an earlier block prints lands after the mark of the block that runs meanwhile.
    printf '\036%s\036\n' "$__docs_n" >&5
    printf '\036%s\036\n' "$__docs_n" >&6
    # No terminal and no input: stdin is /dev/null, as in the grader.
    if [ -f "$__docs_work/$__docs_n.expect" ]; then
        source "$__docs_work/$__docs_n.sh" </dev/null >&5 2>&5 3>&- 4<&- 5>&- 6>&-
    else
        source "$__docs_work/$__docs_n.sh" </dev/null >&5 2>&6 3>&- 4<&- 5>&- 6>&-
    fi
    echo "end $__docs_n $?" >&3
done 4<"$__docs_work/order"
printf '\036end\036\n' >&5
printf '\036end\036\n' >&6
trap - ERR
cd /

# What is left: every process of this PID namespace but this shell and zombies, after a few
# seconds for those that are on their way out (builtins only here, so no process of ours).
# __docs_state PID sets __docs_s to its state: the field after "(NAME)", which may hold blanks.
__docs_state() {
    local l=""
    read -r l <"/proc/$1/stat" 2>/dev/null
    l=${l##*) } __docs_s=${l%% *}
}
__docs_alive() {
    local d
    for d in /proc/[0-9]*; do
        [ "${d#/proc/}" = 1 ] && continue
        __docs_state "${d#/proc/}"
        [ -n "$__docs_s" ] && [ "$__docs_s" != Z ] && return 0
    done
    return 1
}
for __docs_i in $(seq 50); do __docs_alive || break; sleep 0.1; done
for __docs_p in /proc/[0-9]*; do
    __docs_p=${__docs_p#/proc/}
    [ "$__docs_p" = 1 ] || [ "$__docs_p" = "$BASHPID" ] && continue
    __docs_state "$__docs_p"
    [ -z "$__docs_s" ] || [ "$__docs_s" = Z ] && continue
    echo "process $__docs_p: $(tr '\0' ' ' <"/proc/$__docs_p/cmdline" 2>/dev/null | cut -c1-100)"
done >"$__docs_work/left"
__docs_snapshot | sort | comm -13 "$__docs_work/state.before" - | sed 's/$/ (new)/' >>"$__docs_work/left"
exit 0
