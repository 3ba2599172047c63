# leaks.bash - what a suite may leave behind (sourced by grader/grade).
#
# leaks_snapshot FILE           record what this run could leave behind, now
# leaks_check BEFORE PROCS      print one line per thing that is new since BEFORE, saying what
#                               it is and which program makes such things, plus the leftover
#                               processes and cgroups listed in PROCS (from scope_reap)
#
# Only what this run could have made counts, never what other programs on the machine do:
#  - mounts, read from the grader's own mount namespace (programs under test inherit it, so a
#    mount they forget to remove shows up here, and nobody else's can);
#  - cgroups: every group the programs make lands in the run's own scope (they are told to
#    make them below KIT_CGROUP_PARENT or their own group), which scope_reap lists and removes;
#    groups elsewhere on the machine are other programs', never counted;
#  - in the host's network namespace, only what the kit's programs name as their own:
#    conductor's host ends of container links (ve-NAME), its nft tables (kit_ve-NAME), and
#    named network namespaces.  Under KIT_PARALLEL (several graders at once, grade-all) even
#    those could be another run's, so they are left out.

_snapshot_state() {
    # mountinfo: ... MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
    awk '{ for (i = 7; $i != "-"; i++); print "mount " $5 " (" $(i + 1) " from " $(i + 2) ")" }' \
        /proc/self/mountinfo
    [ -n "${KIT_PARALLEL:-}" ] && return 0
    ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2) }
        $2 ~ /^ve-/ { print "link " $2 " (a container link'\''s host end: conductor addnetwork)" }'
    ip netns list 2>/dev/null | awk '{ print "netns " $1 " (a named network namespace)" }'
    if command -v nft >/dev/null; then
        nft list tables 2>/dev/null | awk '$3 ~ /^kit_/ {
            print "nft-table " $2 " " $3 " (a container'\''s rules: conductor addnetwork)" }'
    fi
}

leaks_snapshot() { _snapshot_state | sort -u >"$1"; }

leaks_check() {
    local before=$1 procs=$2
    _snapshot_state | sort -u | comm -13 "$before" - | sed 's/^/new /'
    cat "$procs"
}
