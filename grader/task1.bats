#!/usr/bin/env bats
# task1: namespaces with system calls.
load lib/kit
load lib/ns-trace

NSPROG="$KIT_ROOT/task1/namespace_prog"
LSNS="$KIT_ROOT/task1/mini_lsns"
MOUNTPROP="$KIT_ROOT/task1/mount_prop"

setup_file() {
    ns_trace_build
}

# Run namespace_prog under the tracer (grader/helpers/ns_trace.c), which records for every
# line it writes which process wrote it, in which namespaces.  Sets $output, $status, $log,
# $pid (namespace_prog's own PID) and the host's namespace inodes and hostname.
run_namespace_prog() {
    require_built "$NSPROG"
    host_before=$(hostname)
    host_pidns=$(stat -L -c %i /proc/self/ns/pid)
    host_utsns=$(stat -L -c %i /proc/self/ns/uts)
    local out="$BATS_TEST_TMPDIR/out"
    log="$BATS_TEST_TMPDIR/trace"
    ns_trace "$log" "$NSPROG" >"$out" 2>&1 3>&- &
    local tracer=$!
    timeout 15 tail --pid="$tracer" -f /dev/null || kill -9 "$tracer" 2>/dev/null
    status=0
    wait "$tracer" || status=$?
    output=$(cat "$out")
    pid=$(ns_trace_main "$log")
    host_after=$(hostname)
}

# writer_of TEXT [N] : "HOSTPID NSPID PIDNS UTSNS HOSTNAME PIDFC" of the process that wrote
# the Nth line TEXT (as the kernel saw it); fails the test if no process wrote that line.
writer_of() {
    local w
    w=$(ns_trace_writer "$log" "$1" "${2:-1}")
    [ -n "$w" ] || fail_hint "a process writing the line '$1'" "$(printf '\n%s' "$output")" \
        "namespace_prog should print its report; see the error it printed" || return 1
    echo "$w"
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

# lsns, retried: on a busy machine it can fail when a process vanishes while it reads /proc.
lsns_now() {
    local _
    for _ in 1 2 3 4 5; do
        lsns -n -r -o NS,TYPE,NPROCS,PID 2>/dev/null && return 0
        sleep 0.2
    done
    fail_hint "lsns to list the namespaces" "it failed 5 times" "is util-linux installed?"
}

teardown() {
    [ -n "${ns_pid:-}" ] && kill -9 "$ns_pid" 2>/dev/null
    [ -n "${group_pid:-}" ] && kill -9 -- "-$group_pid" 2>/dev/null
    return 0
}

@test "1.1 namespace_prog: child1 is PID 1 of new PID and UTS namespaces [3]" {
    run_namespace_prog
    expect_status 0 "namespace_prog should exit 0; see the error it printed"
    local w h
    w=$(writer_of "Child1 Process PID: 1")
    expect_eq "child1's PID in its own PID namespace (NSpid, by the kernel)" 1 \
        "$(ns_trace_field nspid "$w")" \
        "the first process of a new PID namespace is its PID 1 (pid_namespaces(7))"
    [ "$(ns_trace_field pidns "$w")" != "$host_pidns" ] || fail_hint \
        "child1 in a PID namespace other than the host's" "the host's PID namespace" \
        "clone(2) can create the child in new namespaces (namespaces(7))"
    [ "$(ns_trace_field hostpid "$w")" != "$pid" ] || fail_hint \
        "child1's line written by a child" "namespace_prog itself wrote it" \
        "child1 is a new process"
    h=$(writer_of "Child1 Hostname: Child1Hostname")
    expect_eq "the process that wrote child1's hostname line" "$(ns_trace_field hostpid "$w")" \
        "$(ns_trace_field hostpid "$h")" "child1 prints both of its lines"
    [ "$(ns_trace_field utsns "$h")" != "$host_utsns" ] || fail_hint \
        "child1 in a UTS namespace of its own" "the host's UTS namespace" \
        "uts_namespaces(7): a new UTS namespace starts as a copy of the parent's"
    expect_eq "the hostname of child1's UTS namespace (by the kernel)" Child1Hostname \
        "$(ns_trace_field hostname "$h")" "sethostname(2) in child1"
    expect_eq "the host's hostname after the run" "$host_before" "$host_after" \
        "a sethostname in the host's UTS namespace renames the host itself"
}

@test "1.2 namespace_prog: child2 is born in child1's PID namespace as PID 2 [3]" {
    run_namespace_prog
    expect_status 0 "namespace_prog should exit 0; see the error it printed"
    local c1 c2
    c1=$(writer_of "Child1 Process PID: 1")
    c2=$(writer_of "Child2 Process PID: 2")
    expect_eq "child2's PID namespace (inode, by the kernel)" "$(ns_trace_field pidns "$c1")" \
        "$(ns_trace_field pidns "$c2")" \
        "child2 must be born in child1's PID namespace: pid_namespaces(7), pid_for_children"
    expect_eq "child2's PID in that namespace (NSpid)" 2 "$(ns_trace_field nspid "$c2")" \
        "the second process of child1's namespace is its PID 2"
    [ "$(ns_trace_field hostpid "$c2")" != "$pid" ] || fail_hint \
        "child2's line written by a child" "namespace_prog itself wrote it" "child2 is a new process"
}

@test "1.2 namespace_prog: the parent's later children are born at home again [1]" {
    run_namespace_prog
    expect_status 0 "namespace_prog should exit 0; see the error it printed"
    local p3 c2
    c2=$(writer_of "Child2 Process PID: 2")
    expect_eq "child2's PID in its namespace (NSpid)" 2 "$(ns_trace_field nspid "$c2")" \
        "first make child2 be born in child1's PID namespace"
    p3=$(writer_of "Parent Process PID: $pid" 3)
    expect_eq "the parent's pid_for_children when it prints after child2" "$host_pidns" \
        "$(ns_trace_field pidfc "$p3")" \
        "undo the change to where the parent's children are born (/proc/PID/ns/pid_for_children)"
}

@test "1.2 namespace_prog --pause: between setns and fork, pid_for_children is child1's [1]" {
    require_built "$NSPROG"
    local fifo="$BATS_TEST_TMPDIR/enter" err="$BATS_TEST_TMPDIR/err"
    mkfifo "$fifo"
    "$NSPROG" --pause <"$fifo" >/dev/null 2>"$err" 3>&- &
    local prog=$!
    exec 4>"$fifo"
    local seen="" c1=""
    for _ in $(seq 100); do
        grep -q 'paused' "$err" 2>/dev/null && { seen=yes; break; }
        sleep 0.05
    done
    c1=$(pgrep -P "$prog" | head -n 1)
    local own fc child
    own=$(stat -L -c %i "/proc/$prog/ns/pid" 2>/dev/null)
    fc=$(stat -L -c %i "/proc/$prog/ns/pid_for_children" 2>/dev/null)
    child=$(stat -L -c %i "/proc/$c1/ns/pid" 2>/dev/null)
    echo >&4
    exec 4>&-
    timeout 10 tail --pid="$prog" -f /dev/null || kill -9 "$prog" 2>/dev/null
    wait "$prog" || true
    expect_eq "namespace_prog --pause stopped" yes "$seen" "$(cat "$err")"
    expect_eq "the parent's own PID namespace" "$(stat -L -c %i /proc/self/ns/pid)" "$own" \
        "a process never changes its own PID namespace"
    expect_eq "the parent's pid_for_children while paused" "$child" "$fc" \
        "setns(2) on child1's PID namespace changes where the next child is born"
}

@test "1.3 namespace_prog: child2 sees child1's hostname, the parent never does [3]" {
    run_namespace_prog
    expect_status 0 "namespace_prog should exit 0; see the error it printed"
    local c1 c2 p
    c1=$(writer_of "Child1 Hostname: Child1Hostname")
    c2=$(writer_of "Child2 Hostname: Child1Hostname")
    expect_eq "child2's UTS namespace (inode, by the kernel)" "$(ns_trace_field utsns "$c1")" \
        "$(ns_trace_field utsns "$c2")" "child2 joins child1's UTS namespace: setns(2)"
    expect_eq "the hostname child2's UTS namespace has" Child1Hostname \
        "$(ns_trace_field hostname "$c2")" "child2 must be in child1's UTS namespace"
    expect_eq "who wrote child2's hostname line" \
        "$(ns_trace_field hostpid "$(writer_of "Child2 Process PID: 2")")" \
        "$(ns_trace_field hostpid "$c2")" "child2 prints both of its lines"
    local n
    for n in 1 2 3; do
        p=$(writer_of "Parent Hostname: $host_before" "$n")
        expect_eq "the parent's line $n: writer, UTS namespace, hostname" \
            "$pid $host_utsns $host_before" \
            "$(ns_trace_field hostpid "$p") $(ns_trace_field utsns "$p") $(ns_trace_field hostname "$p")" \
            "only child2 may join child1's UTS namespace; the parent keeps the host's"
    done
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
    # Each line is true of the process that wrote it: the PID it prints is its PID in its own
    # namespace, the hostname it prints is its UTS namespace's (as the kernel says).
    local untrue
    untrue=$(awk -F'\t' '$1 != "main" &&
        (($6 ~ / Process PID: / && $6 !~ ": " $2 "$") || ($6 ~ / Hostname: / && $6 !~ ": " $5 "$")) {
            print "  \"" $6 "\" written by host PID " $1 " (PID " $2 " in its namespace, hostname " $5 ")" }' "$log")
    expect_eq "report lines that are not true of the process that wrote them" "" "$untrue" \
        "each process prints its own PID (getpid) and hostname (gethostname)"
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
    before=$(lsns_now)
    run_t 20 "$LSNS"
    after=$(lsns_now)
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
        "the child's mounts must stop propagating, all of them (mount_namespaces(7), shared subtrees)"
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
        "a proc mounted from inside the new PID namespace shows only that namespace (proc(5))"
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
