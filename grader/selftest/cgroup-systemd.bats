#!/usr/bin/env bats
# The kit's programs on a systemd machine with cgroup v2 (common/cgroup_systemd.c): they make
# their groups in the kit's own delegated scope unit, never in the caller's (a student's shell's
# session scope, which systemd owns), and leave nothing behind.  Elsewhere these tests skip;
# `make vm-test` runs them on a real Debian 12.
KIT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
load ../lib/kit

TOOL=$KIT_ROOT/common/tools/kit-cgroup

setup() {
    . "$KIT_ROOT/grader/lib/cgroup-scope.bash"
    scope_systemd_v2 || skip "not a systemd machine on cgroup v2"
    require_built "$TOOL" "(make -C common)"
    unset KIT_CGROUP_PARENT
    MNT=$(cgroup2_mount)
    # A stand-in for a student's terminal: a scope systemd owns and did not delegate.
    SHELL_UNIT=kit-selftest-shell-$$
}

# in_shell_scope CMD... : run CMD in a fresh non-delegated transient scope.
in_shell_scope() {
    SHELL_RUNS=$((${SHELL_RUNS:-0} + 1))
    run_t 120 systemd-run --quiet --scope --collect --unit "$SHELL_UNIT-$SHELL_RUNS" "$@"
}

# wait_gone UNIT : 0 once systemd no longer has UNIT active (it stops an empty scope).
wait_gone() {
    local i
    for i in $(seq 100); do
        systemctl is-active --quiet "$1" || return 0
        sleep 0.1
    done
    return 1
}

@test "systemd v2: the parent is the kit's delegated scope, not the caller's session scope" {
    in_shell_scope "$TOOL" parent memory
    expect_status 0 "kit_cgroup_parent_dir on systemd v2"
    local parent self
    parent=$(line_of "parent ")
    self=$(line_of "self 0::")
    expect_match "parent" "^$MNT/.*/kit\.scope$" "$parent" "the kit's scope unit (Delegate=yes)"
    expect_eq "the program's own group" "${parent#"$MNT"}/run-${self##*/run-}" "$self" \
        "the program steps out of the unit's top into its leaf run-PID"
    wait_gone kit.scope || fail "kit.scope still active after its last process ended"
    # While a program is in it: the unit is delegated and hands the controllers down.
    in_shell_scope "$TOOL" limit probe sh -c '
        d=$(sed -n "s/^0:://p" /proc/self/cgroup)
        echo "delegate=$(systemctl show -P Delegate kit.scope)"
        read -r c <"$0${d%/*}/cgroup.subtree_control"; echo "control=$c"' "$MNT"
    expect_status 0 "kit_cgroup_create on systemd v2"
    expect_eq "the unit is delegated" yes "$(line_of delegate=)" \
        "StartTransientUnit with Delegate=yes"
    local control c
    control=$(line_of control=)
    for c in memory pids; do
        [[ " $control " == *" $c "* ]] || fail "$c not handed down in kit.scope: '$control'"
    done
    wait_gone kit.scope || fail "kit.scope still active after its last process ended"
}

@test "systemd v2: a group made from a session scope leaves nothing in it, nor anywhere" {
    in_shell_scope bash -c '
        d=$(sed -n "s/^0:://p" /proc/self/cgroup)
        echo "shell=$d"
        "$1" limit box cat /proc/self/cgroup
        echo "after=$(find "$2$d" -mindepth 1 -type d | wc -l)"' bash "$TOOL" "$MNT"
    expect_status 0 "kit_cgroup_create + add + destroy from a session scope"
    expect_match "the command's group" "0::/.*/kit\.scope/box" "$output" "in the kit's scope"
    expect_eq "groups made in the caller's scope" 0 "$(line_of after=)" \
        "no kit-leaf (or anything else) in a group systemd owns"
    wait_gone kit.scope || fail "kit.scope still active after its last process ended"
    [ ! -d "$MNT/system.slice/kit.scope" ] || fail "kit.scope's group left behind"
}

@test "systemd v2: two programs at once share the kit's scope" {
    in_shell_scope bash -c '
        "$1" limit one sleep 2 & "$1" limit two sleep 2 & wait' bash "$TOOL"
    expect_status 0 "both programs got a group"
    expect_match "first" "group .*/kit\.scope/one" "$output" "one unit for every kit program"
    expect_match "second" "group .*/kit\.scope/two" "$output" "the second attaches to it"
    wait_gone kit.scope || fail "kit.scope still active after its last process ended"
}
