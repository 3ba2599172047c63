#!/usr/bin/env bats
# task0: a container from the shell (task0/shell_container.sh).
# Nothing here trusts what the script prints: each test starts a container whose command is a
# sleeper with a number no other test uses, finds that process from outside, and asks the
# kernel (/proc/PID/status, /proc/PID/ns, /proc/PID/root, /proc/PID/cgroup, cgroupfs) what it
# is.  Any correct way (unshare's options or mounts by hand, chroot or unshare --root,
# nsenter's options) passes.
load lib/kit

SH="$KIT_ROOT/task0/shell_container.sh"

setup_file() {
    export ROOTFS="$BATS_FILE_TMPDIR/rootfs"
    "$KIT_ROOT/common/tools/kit-mkrootfs" busybox "$ROOTFS" ||
        fail_hint "a busybox rootfs" "kit-mkrootfs failed" "run 'make' in common/ first"
}

teardown() {
    # Sleepers of this test (PID 1 of a container ignores TERM from outside: KILL).
    [ -n "${MARK:-}" ] && pkill -KILL -x -f "sleep $MARK" 2>/dev/null
    [ -n "${EXEC_MARK:-}" ] && pkill -KILL -x -f "sleep $EXEC_MARK" 2>/dev/null
    [ -n "${RUN_PID:-}" ] && wait "$RUN_PID" 2>/dev/null
    return 0
}

# start_sleeper NAME : run a container of ROOTFS with hostname NAME whose command sleeps;
# sets MARK (its sleep time, unique), RUN_PID (the script) and PID (the sleeper, host PID).
start_sleeper() {
    MARK=$((3000 + RANDOM % 5000)).$BATS_TEST_NUMBER
    "$SH" run "$ROOTFS" "$1" sleep "$MARK" >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
    RUN_PID=$!
    PID=$(find_sleeper "$MARK") ||
        fail_hint "a process 'sleep $MARK' (the container's command)" \
            "none after 10 s; the script said: $(head -c 400 "$BATS_TEST_TMPDIR/run.out")" \
            "shell_container.sh run ROOTFS NAME CMD... should start CMD"
}

# find_sleeper MARK : the host PID of the process 'sleep MARK' (waits up to 10 s).
find_sleeper() {
    local i pid
    for i in $(seq 100); do
        pid=$(pgrep -x -f "sleep $1" | head -n 1)
        [ -n "$pid" ] && { echo "$pid"; return 0; }
        sleep 0.1
    done
    return 1
}

ns_of() { stat -L -c %i "/proc/$1/ns/$2"; }
nspid_of() { awk '$1 == "NSpid:" { $1 = ""; print substr($0, 2) }' "/proc/$1/status"; }
pids_line() { grep -E '^[0-9]+:([^:]*,)?pids(,[^:]*)?:|^0::' "/proc/$1/cgroup" | head -n 1; }

# The directory of PID's group in the hierarchy holding pids.
pids_dir_of() {
    local line mnt
    line=$(pids_line "$1")
    if [[ $line == 0::* ]]; then
        mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
    else
        mnt=$(awk '$3 == "cgroup" && ("," $4 ",") ~ /,pids,/ { print $2; exit }' /proc/self/mounts)
    fi
    echo "$mnt${line#*:*:}"
}

@test "0.2 run: CMD is PID 1 of new PID, mount, UTS and IPC namespaces [3]" {
    start_sleeper box0
    local nspid
    nspid=$(nspid_of "$PID")
    expect_match "NSpid of the command (host PID, then its PID inside)" "^$PID 1$" "$nspid" \
        "the command must be the first process of one new PID namespace (unshare(1): --fork)"
    local ns
    for ns in pid mnt uts ipc; do
        [ "$(ns_of "$PID" "$ns")" != "$(ns_of $$ "$ns")" ] ||
            fail_hint "a $ns namespace of its own" "the grader's (inode $(ns_of $$ "$ns"))" \
                "the container needs new PID, mount, UTS and IPC namespaces"
    done
}

@test "0.2 run: ROOTFS is the command's root, with a /proc of the new PID namespace [3]" {
    start_sleeper box1
    expect_eq "the command's root (device:inode)" "$(stat -c %d:%i "$ROOTFS")" \
        "$(stat -L -c %d:%i "/proc/$PID/root/")" "chroot(8) into ROOTFS before the command runs"
    # /proc inside, seen through the command's own root: only the container's processes.
    local inside
    inside=$(ls "/proc/$PID/root/proc" | grep -E '^[0-9]+$' | sort -n | tr '\n' ' ')
    expect_eq "processes listed in the container's /proc" "1 " "$inside" \
        "mount a new proc at ROOTFS/proc from inside the new PID and mount namespaces"
    expect_eq "proc mounts at ROOTFS/proc seen by the host" "" \
        "$(awk -v p="$ROOTFS/proc" '$5 == p' /proc/self/mountinfo)" \
        "the container's mounts must stay in its own mount namespace (unshare(1) on propagation)"
}

@test "0.2 run: the hostname is NAME inside, the host's is unchanged [2]" {
    local before
    before=$(hostname)
    start_sleeper "box-$BATS_TEST_NUMBER"
    expect_eq "hostname in the container's UTS namespace" "box-$BATS_TEST_NUMBER" \
        "$(nsenter --target "$PID" --uts hostname)" "set the hostname inside the new UTS namespace"
    expect_eq "the host's hostname" "$before" "$(hostname)" "only the container's name changes"
}

@test "0.2 run: CMD's exit status comes through, and nothing of the container stays [2]" {
    run_t 30 "$SH" run "$ROOTFS" box3 sh -c 'exit 7'
    expect_status 7 "shell_container.sh run exits with the command's status"
    expect_eq "processes left from the container" "" "$(pgrep -f "^sh -c exit 7" || true)" \
        "the container's processes end with it"
}

@test "0.1 run: the container runs in a new cgroup whose pids.max is 20 [3]" {
    start_sleeper box4
    local dir
    dir=$(pids_dir_of "$PID")
    [ "$(pids_line "$PID")" != "$(pids_line $$)" ] ||
        fail_hint "a cgroup of the container's own" "the grader's: $(pids_line $$)" \
            "create a group (a directory in cgroupfs) and move the container into it"
    expect_eq "pids.max of the container's group $dir" 20 "$(cat "$dir/pids.max" 2>&1)" \
        "write the limit into the group's pids.max"
}

@test "0.1 run: a fork bomb inside stops at 20 tasks, and the group goes when it ends [3]" {
    # A throw-away shell forks 40 sleepers until fork fails (busybox sh then gives up), and
    # the container's PID 1 becomes a sleeper too: without the limit there would be 41.
    MARK=$((3000 + RANDOM % 5000)).$BATS_TEST_NUMBER
    "$SH" run "$ROOTFS" box5 sh -c \
        "sh -c 'for i in \$(seq 40); do sleep $MARK & done' 2>/dev/null; exec sleep $MARK" \
        >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
    RUN_PID=$!
    PID=$(find_sleeper "$MARK") || fail_hint "the container's sleepers" "none" "run should start CMD"
    local dir count i
    dir=$(pids_dir_of "$PID")
    for i in $(seq 30); do  # until PID 1 has become a sleeper: the bomb is over
        [ "$(cat "/proc/$PID/comm" 2>/dev/null)" = sleep ] && [ "$(nspid_of "$PID")" = "$PID 1" ] && break
        PID=$(pgrep -x -f "sleep $MARK" | head -n 1); sleep 0.2
    done
    count=$(pgrep -c -x -f "sleep $MARK" || true)
    [ "$count" -ge 2 ] && [ "$count" -le 20 ] ||
        fail_hint "between 2 and 20 sleepers (pids.max = 20)" "$count" \
            "the container's group must hold at most 20 tasks"
    pkill -KILL -x -f "sleep $MARK"
    wait "$RUN_PID" 2>/dev/null || true
    RUN_PID=""
    for i in $(seq 50); do [ -d "$dir" ] || break; sleep 0.1; done
    expect_eq "the container's group after it ended" "gone" "$([ -d "$dir" ] && echo "$dir" || echo gone)" \
        "remove the group (rmdir) when the container has ended"
}

@test "0.3 exec: CMD joins every namespace, the root and the cgroup of the container [4]" {
    start_sleeper box6
    EXEC_MARK=$((8000 + RANDOM % 1000)).$BATS_TEST_NUMBER
    "$SH" exec "$PID" sleep "$EXEC_MARK" >"$BATS_TEST_TMPDIR/exec.out" 2>&1 3>&- &
    local epid
    epid=$(find_sleeper "$EXEC_MARK") ||
        fail_hint "a process 'sleep $EXEC_MARK' started by exec" "none; the script said: $(head -c 400 "$BATS_TEST_TMPDIR/exec.out")" \
            "shell_container.sh exec PID CMD... should run CMD"
    local ns
    for ns in pid mnt uts ipc net cgroup; do
        expect_eq "$ns namespace of the exec'd command" "$(ns_of "$PID" "$ns")" "$(ns_of "$epid" "$ns")" \
            "the command must enter every namespace of the container (nsenter(1))"
    done
    expect_eq "the exec'd command's root" "$(stat -c %d:%i "$ROOTFS")" "$(stat -L -c %d:%i "/proc/$epid/root/")" \
        "and its root"
    expect_eq "the exec'd command's cgroup" "$(pids_line "$PID")" "$(pids_line "$epid")" \
        "and its cgroup, so the container's limits count it too"
    local nspid
    nspid=$(nspid_of "$epid")
    expect_match "NSpid of the exec'd command" "^$epid [2-9][0-9]*$|^$epid [1-9][0-9]+$" "$nspid" \
        "it is a new process of the container's PID namespace (not PID 1)"
}

@test "0.3 exec: CMD's exit status comes through [1]" {
    start_sleeper box7
    run_t 30 "$SH" exec "$PID" sh -c 'test -d /proc/1 && exit 5'
    expect_status 5 "shell_container.sh exec exits with the command's status"
}
