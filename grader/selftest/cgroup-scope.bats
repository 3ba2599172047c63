#!/usr/bin/env bats
# The grader's own cgroups (grader/lib/cgroup-scope.bash) on cgroup v2: where the scope goes,
# the controllers it hands down, and loud failures.  Fake trees (plain files) check the path
# logic; a real v2 group checks what plain files cannot show (cgroupfs files report size 0);
# on a systemd v2 machine a real delegated scope is made and checked.
KIT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
load ../lib/kit

setup() {
    . "$KIT_ROOT/grader/lib/cgroup-scope.bash"
    unset KIT_GRADER_DELEGATED KIT_CGROUP_PARENT
    CG=$BATS_TEST_TMPDIR/cg
}

# group REL CONTROLLERS SUBTREE_CONTROL PROCS : a fake v2 group below $CG.
group() {
    mkdir -p "$CG$1"
    echo "$2" >"$CG$1/cgroup.controllers"
    echo "$3" >"$CG$1/cgroup.subtree_control"
    printf '%s' "$4" >"$CG$1/cgroup.procs"
}

# A systemd layout: the root hands memory and pids down, the grader sits in a session scope.
fake_systemd_tree() {
    group "" "cpuset cpu io memory pids" "memory pids" "1"$'\n'
    group /user.slice "cpu memory pids" "" ""
    group /user.slice/session-1.scope "cpu memory pids" "" "4242"$'\n'"4243"$'\n'
    group /system.slice "cpu memory pids" "cpu memory pids" ""
    group /system.slice/kit-grade-7.scope "cpu memory pids" "" "4242"$'\n'"4243"$'\n'
}

@test "v2 without delegation: the scope goes to the nearest ancestor holding no processes" {
    fake_systemd_tree
    _scope_v2_create "$CG" /user.slice/session-1.scope kit-grade-1 || fail "scope not made"
    expect_eq "scope" "$CG/user.slice/kit-grade-1" "$SCOPE_V2" \
        "a group with processes cannot hand controllers down: walk up"
    expect_eq "the root's subtree_control" "+cpu" "$(cat "$CG/cgroup.subtree_control")" \
        "only what is missing, in one write"
    expect_eq "user.slice's subtree_control" "+cpu +memory +pids" \
        "$(cat "$CG/user.slice/cgroup.subtree_control")" "all three in one write"
    [ ! -e "$CG/user.slice/session-1.scope/grader" ] ||
        fail "processes of a group not ours were moved"
}

@test "v2 in a delegated unit: the grader empties its own unit and makes the scope in it" {
    fake_systemd_tree
    export KIT_GRADER_DELEGATED=1
    _scope_v2_create "$CG" /system.slice/kit-grade-7.scope kit-grade-7 || fail "scope not made"
    local unit=$CG/system.slice/kit-grade-7.scope
    expect_eq "scope" "$unit/kit-grade-7" "$SCOPE_V2" "inside the delegated unit"
    expect_eq "processes moved into the unit's leaf" "4242 4243" \
        "$(tr '\n' ' ' <"$unit/grader/cgroup.procs" | sed 's/ $//')" "the unit's top must be empty"
    expect_eq "the unit's subtree_control" "+cpu +memory +pids" \
        "$(cat "$unit/cgroup.subtree_control")" "the delegatee enables what it needs"
    expect_eq "the root's subtree_control" "memory pids" "$(cat "$CG/cgroup.subtree_control")" \
        "nothing above the delegated unit is touched"
}

@test "v2: a refused subtree_control write fails loudly" {
    fake_systemd_tree
    rm "$CG/user.slice/cgroup.subtree_control"
    mkdir "$CG/user.slice/cgroup.subtree_control" # any write to it fails
    run _scope_v2_create "$CG" /user.slice/session-1.scope kit-grade-1
    [ "$status" -ne 0 ] || fail "scope made although user.slice refused the controllers"
    expect_match "message" "cannot enable \+cpu \+memory \+pids in $CG/user.slice" "$output" \
        "say which group refused which controllers"
}

@test "a suite that cannot be moved into its group does not run" {
    SCOPE_DIRS=("$BATS_TEST_TMPDIR/scope")
    mkdir -p "$BATS_TEST_TMPDIR/scope/suite/cgroup.procs" # a write to it fails
    run scope_run suite touch "$BATS_TEST_TMPDIR/ran"
    expect_eq "status" 125 "$status" "the move failed: stop before running the suite"
    expect_match "message" "cannot move the suite" "$output" "say so"
    [ ! -e "$BATS_TEST_TMPDIR/ran" ] || fail "the suite ran outside its group"
}

# A real v2 group (this machine's v2 mount, even one without controllers as on a hybrid host).
@test "a real v2 group that holds a process is seen to hold it (cgroupfs files have size 0)" {
    local mnt
    mnt=$(cgroup2_mount)
    [ -n "$mnt" ] || skip "no cgroup v2 mount"
    local g=$mnt/kit-selftest-$$ pid
    mkdir "$g" "$g/busy" "$g/idle" || skip "cannot create a group in $mnt"
    sleep 30 3>&- &
    pid=$!
    echo "$pid" >"$g/busy/cgroup.procs" || { kill "$pid"; rmdir "$g"/* "$g"; skip "cannot move"; }
    local busy=no idle=no
    _has_processes "$g/busy" && busy=yes
    _has_processes "$g/idle" && idle=yes
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rmdir "$g/busy" "$g/idle" "$g"
    expect_eq "busy group holds processes" yes "$busy" "read cgroup.procs: -s is always false"
    expect_eq "idle group holds processes" no "$idle" "an empty group has none"
}

# The real thing, where the machine has it (the VM check): systemd v2 and a delegated scope.
@test "systemd v2: the grader's scope is in a delegated unit, and cpu, memory, pids work there" {
    scope_systemd_v2 || skip "not a systemd machine on cgroup v2"
    local unit=kit-selftest-$$
    run_t 60 systemd-run --quiet --scope --collect -p Delegate=yes --unit "$unit" \
        env KIT_GRADER_DELEGATED=1 bash -c '
        . "$1/grader/lib/cgroup-scope.bash"
        scope_create kit-grade-x || exit 1
        mnt=$(cgroup2_mount)
        self=$mnt$(sed -n "s/^0:://p" /proc/self/cgroup)
        echo "self=${self#"$mnt"}"
        echo "scope=${SCOPE_V2#"$mnt"}"
        read -r top <"$(dirname "$self")/cgroup.procs"; echo "top=[$top]"
        scope_run suite sh -c "echo 50000 100000 >\"\$1/cpu.max\" && echo 64M >\"\$1/memory.max\" && echo 9 >\"\$1/pids.max\" && echo limits=ok" \
            sh "$mnt$KIT_CGROUP_PARENT" || true
        mkdir "$mnt$KIT_CGROUP_PARENT/box" && ls "$mnt$KIT_CGROUP_PARENT/box" | grep -cE "^(cpu|memory|pids)\.max$"
        scope_reap suite; scope_destroy' bash "$KIT_ROOT"
    expect_status 0 "scope_create in a delegated unit"
    expect_eq "the grader's group" "/system.slice/$unit.scope/grader" "$(line_of self=)" \
        "moved into a leaf of its own unit"
    expect_eq "the scope" "/system.slice/$unit.scope/kit-grade-x" "$(line_of scope=)" \
        "beside the grader, in its unit"
    expect_eq "processes at the unit's top" "[]" "$(line_of top=)" "no internal processes"
    expect_match "limits written" "limits=ok" "$output" "cpu.max, memory.max, pids.max"
    expect_match "limit files in a group below KIT_CGROUP_PARENT" "(^|$'\n')3($|$'\n')" \
        "$output" "every controller handed down"
    ! systemctl is-active --quiet "$unit.scope" || fail "the unit outlived its processes"
}
