#!/usr/bin/env bats
# task1: namespaces with system calls.
load lib/kit

NSPROG="$KIT_ROOT/task1/namespace_prog"
LSNS="$KIT_ROOT/task1/mini_lsns"
MOUNTPROP="$KIT_ROOT/task1/mount_prop"

# Run namespace_prog in the background so its real PID is known; sets $output, $status, $pid.
run_namespace_prog() {
    require_built "$NSPROG"
    host_before=$(hostname)
    local out="$BATS_TEST_TMPDIR/out"
    "$NSPROG" >"$out" 2>&1 3>&- &
    pid=$!
    timeout 15 tail --pid="$pid" -f /dev/null || kill -9 "$pid" 2>/dev/null
    status=0
    wait "$pid" || status=$?
    output=$(cat "$out")
    host_after=$(hostname)
}

# Start a process in fresh UTS, IPC and network namespaces; sets $ns_pid.
start_in_new_namespaces() {
    unshare --uts --ipc --net sleep 60 3>&- &
    ns_pid=$!
    # unshare execs sleep in place; wait until it has (its uts link differs from ours).
    for _ in $(seq 50); do
        [ "$(readlink /proc/$ns_pid/ns/uts)" != "$(readlink /proc/self/ns/uts)" ] && return 0
        sleep 0.05
    done
    return 1
}

teardown() {
    [ -n "${ns_pid:-}" ] && kill -9 "$ns_pid" 2>/dev/null
    [ -n "${group_pid:-}" ] && kill -9 -- "-$group_pid" 2>/dev/null
    return 0
}

@test "1.1 namespace_prog: child1 is PID 1 and has a hostname of its own [3]" {
    run_namespace_prog
    expect_status 0 "namespace_prog should exit 0; see the error it printed"
    expect_eq "Child1 Process PID" 1 "$(line_of 'Child1 Process PID: ')" \
        "clone child1 with CLONE_NEWPID: the first process of a new PID namespace is PID 1"
    expect_eq "Child1 Hostname" Child1Hostname "$(line_of 'Child1 Hostname: ')" \
        "child1 needs CLONE_NEWUTS so that its sethostname() stays inside"
    expect_eq "the host's hostname after the run" "$host_before" "$host_after" \
        "without CLONE_NEWUTS child1 renamed the host itself"
}

@test "1.2 namespace_prog: child2 is born in child1's PID namespace as PID 2 [3]" {
    run_namespace_prog
    expect_status 0 "namespace_prog should exit 0; see the error it printed"
    expect_eq "Child2 Process PID" 2 "$(line_of 'Child2 Process PID: ')" \
        "before forking child2 the parent must setns(CLONE_NEWPID) into /proc/CHILD1/ns/pid; then the fork lands in child1's namespace as its second process"
}

@test "1.3 namespace_prog: child2 sees child1's hostname, the parent never does [3]" {
    run_namespace_prog
    expect_status 0 "namespace_prog should exit 0; see the error it printed"
    expect_eq "Child2 Hostname" Child1Hostname "$(line_of 'Child2 Hostname: ')" \
        "child2 itself must setns(CLONE_NEWUTS) into /proc/CHILD1/ns/uts"
    local parent_hosts
    parent_hosts=$(grep '^Parent Hostname: ' <<<"$output" | sort -u)
    expect_eq "every Parent Hostname line" "Parent Hostname: $host_before" "$parent_hosts" \
        "only child2 may join child1's UTS namespace; the parent keeps the host's"
    expect_eq "the host's hostname after the run" "$host_before" "$host_after" \
        "nothing may rename the host"
}

@test "1.1 namespace_prog: prints exactly the expected report [1]" {
    run_namespace_prog
    expect_status 0 "namespace_prog should exit 0; see the error it printed"
    local rule=---------------------------------------- expected
    expected=$(printf '%s\n' "$rule" \
        "Parent Process PID: $pid" "Parent Hostname: $host_before" "$rule" \
        "Child1 Process PID: 1" "Child1 Hostname: Child1Hostname" "$rule" \
        "Parent Process PID: $pid" "Parent Hostname: $host_before" "$rule" \
        "Child2 Process PID: 2" "Child2 Hostname: Child1Hostname" "$rule" \
        "Parent Process PID: $pid" "Parent Hostname: $host_before" "$rule")
    if [ "$output" != "$expected" ]; then
        fail_hint "$(printf '\n%s' "$expected")" "$(printf '\n%s' "$output")" \
            "keep the order: parent, child1, parent, child2, parent; flush stdout before forking"
    fi
}

@test "1.4 mini_lsns PID: each /proc/PID/ns entry with the inode readlink shows [3]" {
    require_built "$LSNS"
    start_in_new_namespaces
    run_t 10 "$LSNS" "$ns_pid"
    expect_status 0 "mini_lsns $ns_pid should succeed for a live process"
    local entry link want lines=1
    for entry in /proc/$ns_pid/ns/*; do
        link=$(readlink "$entry")
        want="${link#*[} ${entry##*/}"
        want=${want/]/}
        lines=$((lines + 1))
        grep -Eq "^ *${want%% *} +${entry##*/}\$" <<<"$output" ||
            fail_hint "a line '${want}' (inode, then name)" "$output" \
                "readlink /proc/PID/ns/NAME gives 'type:[inode]'; print the inode and NAME"
    done
    expect_eq "number of lines (header + one per entry)" "$lines" "$(wc -l <<<"$output")" \
        "one line per entry of /proc/PID/ns, after one header line"
}

@test "1.4 mini_lsns: a bad or vanished PID is a one-line error and exit 1 [1]" {
    require_built "$LSNS"
    run_t 10 "$LSNS" "$$"
    expect_status 0 "mini_lsns must work for a live PID before its errors count"
    expect_match "its output" "[0-9]{6,} +uts" "$output" "print each namespace's inode and name"
    sleep 0 & local gone=$!
    wait "$gone"
    local bad
    for bad in abc 0 -3 "$gone"; do
        run --separate-stderr timeout 10 "$LSNS" "$bad"
        expect_eq "exit status of 'mini_lsns $bad'" 1 "$status" \
            "refuse anything that is not the PID of a live process, with exit 1"
        expect_eq "lines on stderr for 'mini_lsns $bad'" 1 "$(grep -c . <<<"$stderr")" \
            "one clear line on stderr, e.g. 'mini_lsns: no process with PID $bad'"
    done
}

@test "1.5 mini_lsns: lists every namespace the way lsns does [3]" {
    require_built "$LSNS"
    # Four processes in one fresh set of namespaces: unshare itself, sh and two sleeps (of a
    # length no other process runs: other graders may run this same test at the same time).
    local nap=$((100000 + $$))
    setsid unshare --uts --ipc --net --fork sh -c "sleep $nap & sleep $nap & wait" 3>&- &
    group_pid=$!
    local probe=""
    for _ in $(seq 50); do
        probe=$(pgrep -f -n -x "sleep $nap" || true)
        [ -n "$probe" ] && [ "$(pgrep -c -P "$(ps -o ppid= -p "$probe" | tr -d ' ')")" = 2 ] && break
        sleep 0.05
    done
    local uts
    uts=$(readlink "/proc/$probe/ns/uts" | tr -dc 0-9)
    # Other processes may come and go meanwhile (other graders, the system): lsns just before
    # and just after mini_lsns bracket what mini_lsns may list.
    local before after
    before=$(lsns -n -r -o NS,TYPE,NPROCS,PID)
    run_t 20 "$LSNS"
    after=$(lsns -n -r -o NS,TYPE,NPROCS,PID)
    expect_status 0 "mini_lsns with no argument lists every namespace"
    local mine=$output
    # The namespaces of the test's processes: counts and lowest PID must agree exactly.
    local want_line seen_line
    want_line=$(awk -v ns="$uts" '$1 == ns { print $1, $2, $3, $4 }' <<<"$after")
    seen_line=$(awk -v ns="$uts" '$1 == ns { print $1, $2, $3, $4 }' <<<"$mine")
    expect_eq "NS TYPE NPROCS PID for the test's fresh uts namespace" "$want_line" "$seen_line" \
        "count every process (/proc/[0-9]*) in each namespace, and keep the lowest PID"
    # Every namespace lsns saw both times must be listed; nothing lsns never saw may be.
    local seen_set missing extra
    seen_set=$(awk 'NR > 1 { print $1, $2 }' <<<"$mine" | sort -u)
    missing=$(comm -12 <(awk '{ print $1, $2 }' <<<"$before" | sort -u) \
        <(awk '{ print $1, $2 }' <<<"$after" | sort -u) | comm -23 - <(echo "$seen_set"))
    extra=$(comm -13 <(awk '{ print $1, $2 }' <<<"$before"$'\n'"$after" | sort -u) \
        <(echo "$seen_set"))
    expect_eq "namespaces lsns lists that mini_lsns missed" "" "$(echo $missing)" \
        "read mnt net time cgroup pid user uts ipc of every process in /proc"
    expect_eq "namespaces mini_lsns lists that lsns does not" "" "$(echo $extra)" \
        "list only the namespace types lsns shows, each once, identified by (inode, type)"
}

@test "1.6 mount_prop: the host's /proc survives even when / is shared [3]" {
    require_built "$MOUNTPROP"
    # A stand-in host whose mounts are shared, as systemd sets them up.
    run_t 20 unshare --mount --propagation shared -- sh -c '
        "$0" true || exit 1
        echo "proc mounts at /proc: $(awk '\''$5 == "/proc"'\'' /proc/self/mountinfo | wc -l)"
        [ -d /proc/$$ ] && echo "own /proc entry: yes"' "$MOUNTPROP"
    expect_status 0 "mount_prop should exit 0"
    expect_eq "propagation of / that mount_prop found" "shared:" \
        "$(line_of 'Propagation of / found: ' | cut -c1-7)" \
        "read the optional fields (shared:N, master:N) of / in /proc/self/mountinfo"
    expect_eq "propagation in the child after the change" private \
        "$(line_of 'Propagation of / in the child after making it private: ')" \
        "mount(NULL, \"/\", NULL, MS_REC | MS_PRIVATE, NULL) in the child"
    expect_eq "proc mounts at /proc on the host after the run" 1 \
        "$(line_of 'proc mounts at /proc: ')" \
        "the child's proc mount propagated to the host: make / private first"
    expect_eq "the host still sees its own processes in /proc" yes "$(line_of 'own /proc entry: ')" \
        "the host's /proc was covered by the child's"
}

@test "1.7 mount_prop: a proc at a scratch path shows only the new PID namespace [2]" {
    require_built "$MOUNTPROP"
    run_t 20 "$MOUNTPROP" true
    expect_status 0 "mount_prop should exit 0"
    local line path
    line=$(grep '^Processes in the new proc at ' <<<"$output" || true)
    path=${line#Processes in the new proc at }
    path=${path%%:*}
    expect_eq "PIDs listed by the new proc" " 1" "${line#*:}" \
        "mount(\"proc\", DIR, \"proc\", ...) from inside the new PID namespace shows just PID 1"
    [ ! -e "$path" ] || fail_hint "$path removed afterwards" "it is still there" "umount it and rmdir it"
    expect_eq "mounts left at $path" 0 "$(awk -v p="$path" '$5 == p' /proc/self/mountinfo | wc -l)" \
        "umount the scratch proc before removing the directory"
}

@test "1.8 mount_prop: CMD runs as PID 1 with a /proc of its own [3]" {
    require_built "$MOUNTPROP"
    local before
    before=$(awk '$5 == "/proc"' /proc/self/mountinfo)
    run_t 20 "$MOUNTPROP" ls /proc
    expect_status 0 "mount_prop ls /proc should exit 0"
    local pids
    pids=$(sed -n '/^Processes in \/proc now/,$p' <<<"$output" | grep -E '^[0-9]+$' | tr '\n' ' ')
    expect_eq "numeric entries of /proc as CMD sees it" "1 " "$pids" \
        "mount a new proc on /proc in the child, then exec CMD: it is PID 1 and alone"
    expect_eq "the host's /proc mount" "$before" "$(awk '$5 == "/proc"' /proc/self/mountinfo)" \
        "the host's /proc must not change"
    [ -d "/proc/$$" ] || fail_hint "/proc/$$ visible on the host" "missing" "the host's /proc was replaced"
}
