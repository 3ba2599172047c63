# leaks.bash - what a suite may leave behind (sourced by grader/grade).
#
# leaks_snapshot FILE           record mounts, cgroups, links, netns, nft tables now
# leaks_check BEFORE PROCS      print one line per thing that is new since BEFORE, plus the
#                               leftover processes listed in PROCS (from scope_reap)
#
# Mounts are read from the grader's own mount namespace: programs under test inherit it, so a
# mount they forget to remove (or make in it by mistake) shows up here.  Links, named network
# namespaces and nftables tables are the host's (the grader does not change network namespace).
# With KIT_PARALLEL set (several graders at once) only the mounts are compared.

_snapshot_state() {
    awk '{ print "mount " $5 }' /proc/self/mountinfo
    # Grading several submissions at once (grade-all): the host-wide lists below change under
    # every run, so each run checks only what is its own (its mounts here, and the processes
    # and cgroups of its scope, which scope_reap reports).
    [ -n "${KIT_PARALLEL:-}" ] && return 0
    find /sys/fs/cgroup -mindepth 1 -type d 2>/dev/null | grep -v '/kit-grade-' | sed 's/^/cgroup /'
    ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print "link " $2 }'
    ip netns list 2>/dev/null | awk '{ print "netns " $1 }'
    if command -v nft >/dev/null; then
        nft list tables 2>/dev/null | sed 's/^table /nft-table /'
    fi
}

leaks_snapshot() { _snapshot_state | sort -u >"$1"; }

leaks_check() {
    local before=$1 procs=$2
    _snapshot_state | sort -u | comm -13 "$before" - | sed 's/^/new /'
    cat "$procs"
}
