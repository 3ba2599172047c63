#!/usr/bin/env bats
# task1, hidden tests: run by the instructor's grade, left out of the handout, shown on
# Gradescope after the due date.
load ../lib/kit

teardown() {
    [ -n "${ns_pid:-}" ] && kill -9 "$ns_pid" 2>/dev/null
    return 0
}

@test "1.4 mini_lsns PID: right for a process in every kind of new namespace [1]" {
    require_built "$KIT_ROOT/task1/mini_lsns"
    unshare --user --map-root-user --mount --uts --ipc --net --pid --fork --kill-child --cgroup --time \
        sleep 60 3>&- &
    ns_pid=$!
    local target=""
    for _ in $(seq 50); do
        target=$(pgrep -P "$ns_pid" sleep || true)
        [ -n "$target" ] && break
        sleep 0.05
    done
    run_t 10 "$KIT_ROOT/task1/mini_lsns" "$target"
    expect_status 0 "mini_lsns must read the namespaces of any live process"
    local entry inode
    for entry in /proc/$target/ns/*; do
        inode=$(readlink "$entry" | tr -dc 0-9)
        grep -Eq "^ *$inode +${entry##*/}\$" <<<"$output" ||
            fail_hint "a line '$inode ${entry##*/}'" "$output" "one line per /proc/PID/ns entry"
    done
}
