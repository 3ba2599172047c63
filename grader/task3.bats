#!/usr/bin/env bats
# task3: conductor, a small Docker.  Busybox images (offline, instant) for almost everything;
# one tier on a real debian:bookworm image (debootstrap once into $KIT_CACHE, then reused).
# Every test has its own state root (CONDUCTOR_ROOT) and removes what it started.
load lib/kit

COND="$KIT_ROOT/task3/conductor"

setup() {
    require_built "$COND" "(make -C task3)"
    export CONDUCTOR_ROOT="$BATS_TEST_TMPDIR/root"
    export CONDUCTOR_CONFIG=/dev/null
    export CONDUCTOR_BASES="$KIT_CACHE/conductor/bases"
    CTX="$BATS_TEST_TMPDIR/ctx"
    mkdir -p "$CTX"
    host_name=$(hostname)
}

teardown() {
    local dir pid
    for dir in "$CONDUCTOR_ROOT"/containers/*/; do
        [ -d "$dir" ] || continue
        "$COND" stop "$(basename "$dir")" >/dev/null 2>&1 3>&-
        # Whatever a broken stop left: kill its PID 1 (and so its PID namespace).
        pid=$(sed -n 's/^pid=//p' "$dir/init" 2>/dev/null)
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
    done
    # Cgroups a broken stop leaves are the grader's to find (they sit below the suite's own
    # group, which the runner reaps and reports); never remove groups machine-wide here: other
    # graders may be running the same tests at this moment.
    return 0
}

cond() { "$COND" "$@"; }

# alive PID : PID exists and is not a zombie (an orphan may wait a moment to be reaped).
alive() { [ -e "/proc/$1" ] && ! awk '{ exit !($3 == "Z") }' "/proc/$1/stat" 2>/dev/null; }

# conductorfile LINE... : write $CTX/Conductorfile
conductorfile() { printf '%s\n' "$@" >"$CTX/Conductorfile"; }

# build IMAGE LINE... : write the Conductorfile and build it; the test fails if the build does.
build() {
    local image=$1
    shift
    conductorfile "$@"
    run_t 60 "$COND" build "$image" "$CTX/Conductorfile"
    expect_status 0 "conductor build $image should succeed; its output says which step failed"
}

busybox_image() { build "$1" "FROM busybox" "${@:2}"; }

# The layer directories (under cache/layers) that contain PATH.
layers_with() {
    local layer
    for layer in "$CONDUCTOR_ROOT"/cache/layers/*; do
        [ -e "$layer/$1" ] || [ -L "$layer/$1" ] && basename "$layer"
    done
    return 0
}
layer_count() { find "$CONDUCTOR_ROOT/cache/layers" -mindepth 1 -maxdepth 1 | wc -l; }

# init_pid NAME : the host PID of the container's PID 1 (the PID column of `conductor ps`).
init_pid() { cond ps | awk -v n="$1" '$1 == n { print $(NF - 2) }'; }

# [RUN_OPTS="--read-only ..."] start_detached IMAGE NAME [CMD...] : run -d (with RUN_OPTS),
# check it is running; sets $pid.
start_detached() {
    local image=$1 name=$2
    shift 2
    # shellcheck disable=SC2086
    run_t 20 "$COND" run -d ${RUN_OPTS:-} "$image" "$name" -- "$@"
    expect_status 0 "conductor run -d ${RUN_OPTS:+$RUN_OPTS }$image $name should start the container"
    pid=$(init_pid "$name")
    [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null ||
        fail_hint "a running PID 1 for $name in 'conductor ps'" "'$pid'" \
            "run -d must leave the container running and record its PID 1"
}

# cgroup_dir PID CONTROLLER : the directory of PID's cgroup for CONTROLLER (v1 or v2).
cgroup_dir() {
    local line mnt
    line=$(grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" "/proc/$1/cgroup")
    if [ -n "$line" ]; then
        mnt=$(findmnt -rn -t cgroup -O "$2" -o TARGET | head -n 1)
    else
        line=$(grep '^0::' "/proc/$1/cgroup")
        mnt=$(findmnt -rn -t cgroup2 -o TARGET | head -n 1)
    fi
    printf '%s%s\n' "$mnt" "${line#*:*:}"
}

# mount_mode PID MOUNTPOINT : "ro" or "rw" for the topmost mount on MOUNTPOINT in PID's
# mountinfo (read-only either as the mount's own flag, field 6, or its filesystem's), with its
# type: "ro overlay".  Nothing if no mount is there.
mount_mode() {
    awk -v mp="$2" '$5 == mp { for (i = 7; $i != "-"; i++) ; fs = $(i + 1); super = $(i + 3)
        mode = ($6 ~ /^ro(,|$)/ || super ~ /^ro(,|$)/) ? "ro" : "rw"; last = mode " " fs }
        END { if (last != "") print last }' "/proc/$1/mountinfo"
}

# open_errno PATH : create/open PATH for writing from the host (through /proc/PID/root it lands
# on the container's mounts): OK, or the errno's name the kernel gave (EROFS, EACCES ...).
open_errno() {
    python3 -c 'import errno, os, sys
try:
    os.close(os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o644)); print("OK")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))' "$1"
}

# status_ids PID : the Uid, Gid, Groups, CapPrm and CapEff lines of /proc/PID/status, one
# "Name: values" line each, tabs as single spaces.
status_ids() { grep -E '^(Uid|Gid|Groups|CapPrm|CapEff):' "/proc/$1/status" | tr -s '\t ' ' ' | sed 's/ $//'; }

@test "3.a conductor run: the command is PID 1 in new namespaces with the container's hostname [4]" {
    busybox_image img
    run_t 20 "$COND" run img t3-one -- sh -c 'echo pid=$$; hostname;
        for ns in uts pid net ipc mnt; do echo "$ns=$(readlink /proc/self/ns/$ns)"; done'
    expect_status 0 "the container's command should run and exit 0"
    expect_eq "PID of the command inside" 1 "$(line_of pid=)" \
        "clone with CLONE_NEWPID and exec the command in the child: it is PID 1 there"
    expect_eq "hostname inside" t3-one "$(sed -n 2p <<<"$output")" \
        "CLONE_NEWUTS, then sethostname(NAME) in the child"
    expect_eq "the host's hostname" "$host_name" "$(hostname)" "only the container's UTS namespace may change"
    local ns
    for ns in uts pid net ipc mnt; do
        [ "$(line_of "$ns=")" != "$(readlink /proc/self/ns/$ns)" ] && [ -n "$(line_of "$ns=")" ] ||
            fail_hint "a $ns namespace of its own" "$(line_of "$ns=") (the host's)" \
                "clone with CLONE_NEW$(tr a-z A-Z <<<"$ns" | sed 's/MNT/NS/')" || return 1
    done
}

@test "3.a conductor run: proc, sys and dev inside; ps sees only the container [3]" {
    busybox_image img
    run_t 20 "$COND" run img t3-two -- sh -c 'ps -o pid= >/tmp/ps.out; wc -l </tmp/ps.out; echo sys=$(ls /sys/class/net);
        test -c /dev/null && echo devnull; cat /etc/hostname; ls /proc/1/exe >/dev/null && echo proc;
        echo sysopts=$(awk '\''$2 == "/sys" { print $4 }'\'' /proc/mounts);
        echo devmodes=$(stat -c %a /dev/null /dev/zero /dev/urandom); echo resolv=$(md5sum </etc/resolv.conf | cut -c1-32);
        echo roots=$(awk '\''$5 == "/"'\'' /proc/self/mountinfo | wc -l)'
    expect_status 0 "the container's command should run"
    expect_eq "processes ps lists inside (sh, ps)" 2 "$(sed -n 1p <<<"$output" | tr -d ' ')" \
        "a proc mount shows the PID namespace of the process that mounts it (proc(5)): mount it from inside, before pivot_root"
    expect_match "output" "devnull" "$output" "a /dev of the container's own with its character devices (mknod(2))"
    expect_eq "network interfaces in the container's /sys" lo "$(line_of sys=)" \
        "mount a new sysfs after CLONE_NEWNET: it shows the container's own network namespace"
    grep -qx t3-two <<<"$output" ||
        fail_hint "/etc/hostname inside: t3-two" "$output" "bind the container's hostname file on root/etc/hostname"
    expect_match "mount options of /sys inside" "^ro," "$(line_of sysopts=)" \
        "the container must not change the kernel's settings through sysfs: mount it read-only"
    expect_eq "modes of /dev/null, /dev/zero, /dev/urandom inside" "666 666 666" "$(line_of devmodes=)" \
        "every user may read and write these devices; mknod's mode passes through the umask (umask(2))"
    expect_eq "mounts on / in the container's mountinfo" 1 "$(line_of roots=)" \
        "after pivot_root the host's old root is still mounted (stacked on /, with every host mount below it) until you detach it"
    expect_eq "checksum of /etc/resolv.conf inside" "$(md5sum </etc/resolv.conf | cut -c1-32)" "$(line_of resolv=)" \
        "the container gets the host's resolver configuration, bound from its own directory"
}

@test "3.a conductor run from a shared mount namespace (as on systemd hosts): no mount propagates out [2]" {
    busybox_image img
    # systemd makes / shared: mounts made below it show up in every peer unless the container
    # stops the propagation first.  Here a namespace of the test's own plays the host.
    run_t 30 unshare --mount --propagation shared -- sh -c '
        "$1" run -d img t3-shared -- sleep 1000 >/dev/null || exit 9
        grep -c -- "$CONDUCTOR_ROOT" /proc/self/mountinfo; true' sh "$COND"
    expect_status 0 "conductor run -d should start the container from a namespace whose mounts are shared"
    expect_eq "mounts under the state root seen outside the container" 0 "$output" \
        "the container's mount namespace begins as a copy whose mounts are peers of the host's (mount_namespaces(7)): make them private (recursively) before mounting"
}

@test "3.a conductor run -d, ps, logs: detached, running, then exited with its code [3]" {
    busybox_image img
    # PID 1 lives until the test signals it (a timed exit would race a busy machine).
    start_detached img t3-bg sh -c 'trap "exit 7" TERM; echo hello-from-bg; while :; do sleep 0.1; done'
    run_t 10 "$COND" ps
    expect_match "ps line for t3-bg" "t3-bg +img +running +$pid " "$(grep '^t3-bg ' <<<"$output")" \
        "ps shows running while PID 1 lives"
    run_t 10 "$COND" logs t3-bg
    expect_match "conductor logs t3-bg" "hello-from-bg" "$output" \
        "-d sends the container's stdout to its log file"
    kill -TERM "$pid"
    local i
    for i in $(seq 100); do alive "$pid" && sleep 0.1; done
    run_t 10 "$COND" ps
    expect_match "ps line for t3-bg after PID 1 exited" "exited.*7" "$(grep '^t3-bg ' <<<"$output")" \
        "the monitor waits for PID 1 and records its exit code"
    run_t 10 "$COND" run img t3-code -- sh -c 'exit 3'
    expect_status 3 "an interactive run exits with its command's status"
    run_t 10 "$COND" ps
    expect_match "ps line for t3-code" "exited.*3" "$(grep '^t3-code ' <<<"$output")" \
        "the exit code is recorded"
}

@test "3.a conductor stop: every process killed, no mount, cgroup or state left [3]" {
    busybox_image img
    start_detached img t3-stop sleep 1000
    local memcg
    memcg=$(cgroup_dir "$pid" pids)
    run_t 10 "$COND" exec t3-stop -- sh -c 'sleep 1000 >/dev/null 2>&1 & echo started'
    local others
    others=$(pgrep -f '^sleep 1000$' | grep -vx "$pid" | while read -r p; do
        [ "$(readlink /proc/$p/ns/pid)" = "$(readlink /proc/$pid/ns/pid)" ] && echo "$p"; done)
    run_t 20 "$COND" stop t3-stop
    expect_status 0 "conductor stop t3-stop should succeed"
    local p
    for p in $pid $others; do
        ! alive "$p" || fail_hint "process $p gone" "still running" \
            "stop kills PID 1: the kernel then kills the rest of its PID namespace" || return 1
    done
    [ ! -e "$CONDUCTOR_ROOT/containers/t3-stop" ] ||
        fail_hint "no containers/t3-stop" "it is still there" "stop removes the container's state"
    [ ! -d "$memcg" ] || fail_hint "cgroup $memcg removed" "still there" "stop removes the cgroup"
    ! grep -q "$CONDUCTOR_ROOT" /proc/self/mountinfo ||
        fail_hint "no mount under the state root" "$(grep "$CONDUCTOR_ROOT" /proc/self/mountinfo)" \
            "mount the overlay inside the container's own (private) mount namespace"
    run_t 10 "$COND" ps
    [[ $output != *t3-stop* ]] || fail_hint "ps without t3-stop" "$output" "stop removes the state"
}

@test "3.a conductor stop and ps: a killed PID 1 shows as exited; stop still cleans up [2]" {
    busybox_image img
    start_detached img t3-killed sleep 1000
    kill -9 "$pid"
    sleep 0.3
    run_t 10 "$COND" ps
    expect_match "ps line for t3-killed" "t3-killed .*exited" "$(grep '^t3-killed ' <<<"$output")" \
        "running means: PID 1 (same PID and start time) is alive"
    run_t 10 "$COND" stop t3-killed
    expect_status 0 "stop works on an exited container"
    [ ! -e "$CONDUCTOR_ROOT/containers/t3-killed" ] || fail_hint "no state" "containers/t3-killed" "stop removes it"
}

@test "3.a conductor run killed: the container goes on, ps and stop still work [2]" {
    busybox_image img
    "$COND" run img t3-orphan -- sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
    local runner=$! i
    for i in $(seq 50); do [[ $(init_pid t3-orphan) =~ ^[0-9]+$ ]] && break; sleep 0.1; done
    pid=$(init_pid t3-orphan)
    kill -9 "$runner"
    wait "$runner" 2>/dev/null || true
    run_t 10 "$COND" ps
    expect_match "ps line for t3-orphan" "t3-orphan +img +running +$pid " "$(grep '^t3-orphan ' <<<"$output")" \
        "PID 1 does not depend on the conductor that started it"
    run_t 20 "$COND" stop t3-orphan
    expect_status 0 "stop after the conductor was killed"
    ! alive "$pid" || fail_hint "PID 1 gone" "still running" "stop kills PID 1"
}

@test "3.a conductor run: --memory, --pids and --cpus land in the container's cgroup [2]" {
    busybox_image img
    run_t 20 "$COND" run -d --memory 48m --pids 12 --cpus 0.5 img t3-limits -- sleep 1000
    expect_status 0 "run -d with limits should start"
    pid=$(init_pid t3-limits)
    local mem pids
    mem=$(cgroup_dir "$pid" memory)
    pids=$(cgroup_dir "$pid" pids)
    local memval pidsval
    memval=$(cat "$mem/memory.max" 2>/dev/null || cat "$mem/memory.limit_in_bytes")
    pidsval=$(cat "$pids/pids.max")
    expect_eq "memory limit of PID 1's cgroup" $((48 << 20)) "$memval" "kit_cgroup_set_memory, then add PID 1"
    expect_eq "pids limit of PID 1's cgroup" 12 "$pidsval" "kit_cgroup_set_pids, then add PID 1"
    local cpu quota
    cpu=$(cgroup_dir "$pid" cpu)
    quota=$(cat "$cpu/cpu.max" 2>/dev/null || echo "$(cat "$cpu/cpu.cfs_quota_us") $(cat "$cpu/cpu.cfs_period_us")")
    expect_eq "cpu quota and period of PID 1's cgroup" "50000 100000" "$quota" "--cpus 0.5: half of every period"
}

@test "3.a conductor: bad names, unknown image, duplicate name, unknown container: one clear error [2]" {
    busybox_image img
    run_t 10 "$COND" run img t3-dup -- true
    expect_status 0 "a first run of t3-dup works"
    local before
    before=$(ls -R "$CONDUCTOR_ROOT/containers" "$CONDUCTOR_ROOT/images")
    local args
    for args in "img ../evil" "img a/b" "img -x" "nope t3-x" "img t3-dup" "../img t3-y"; do
        # shellcheck disable=SC2086
        run_t 10 "$COND" run $args -- true
        [ "$status" -ne 0 ] && [ "$(wc -l <<<"$output")" -eq 1 ] && [[ $output == conductor:* ]] ||
            fail_hint "one line 'conductor: ...' and a non-zero exit for: run $args" \
                "status $status: $output" "check names and the image before touching anything" || return 1
    done
    for args in "stop t3-nothere" "rm t3-nothere" "exec t3-nothere" "rmi t3-nothere" "stop ../x"; do
        # shellcheck disable=SC2086
        run_t 10 "$COND" $args
        [ "$status" -ne 0 ] && [ "$(wc -l <<<"$output")" -eq 1 ] ||
            fail_hint "one error line and a non-zero exit for: $args" "status $status: $output" \
                "unknown names are a clear error" || return 1
    done
    expect_eq "state after the refused commands" "$before" \
        "$(ls -R "$CONDUCTOR_ROOT/containers" "$CONDUCTOR_ROOT/images")" "refused commands change nothing"
}

@test "3.a conductor run: the image's CMD runs with its ENV, in its WORKDIR [3]" {
    busybox_image img "ENV GREETING=hello-env" "WORKDIR /srv/app" "RUN true" \
        'CMD ["sh", "-c", "echo cmd:$GREETING:$(pwd):$HOSTNAME"]'
    run_t 20 "$COND" run img t3-cmd
    expect_status 0 "run without a command runs the image's CMD"
    expect_eq "what the image's CMD printed" "cmd:hello-env:/srv/app:t3-cmd" "$output" \
        "exec the image's CMD (no command given) with container_environment(), after chdir to WORKDIR"
    run_t 20 "$COND" run img t3-cmd2 -- sh -c 'echo "$GREETING $(pwd) $PATH"'
    expect_eq "ENV and WORKDIR seen by a given command" \
        "hello-env /srv/app /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$output" \
        "a command given on the command line replaces CMD, not ENV or WORKDIR"
}

@test "3.a conductor ps and stop: a dead PID 1 whose PID was reused is not running, and stop spares it [2]" {
    busybox_image img
    start_detached img t3-reuse sleep 1000
    kill -9 "$pid"
    local i
    for i in $(seq 50); do alive "$pid" || break; sleep 0.1; done
    # Another process now holds a PID the record names (as after a PID wrap-around).
    sleep 1000 </dev/null >/dev/null 2>&1 3>&- &
    local other=$!
    sed -i "s/^pid=.*/pid=$other/" "$CONDUCTOR_ROOT/containers/t3-reuse/init"
    run_t 10 "$COND" ps
    local line
    line=$(grep '^t3-reuse ' <<<"$output")
    [[ $line != *running* ]] ||
        fail_hint "t3-reuse not running" "$line" \
            "running means PID 1 is alive with the start time recorded at run (/proc/PID/stat field 22), not just kill(pid, 0)" ||
        { kill -9 "$other"; return 1; }
    run_t 10 "$COND" stop t3-reuse
    local survived=no
    alive "$other" && survived=yes
    kill -9 "$other" 2>/dev/null
    expect_eq "the unrelated process holding the reused PID is alive after stop" yes "$survived" \
        "stop must never signal a PID that no longer belongs to the container"
}

@test "3.a conductor rm: removes an exited container's state, refuses a running one [2]" {
    busybox_image img
    run_t 20 "$COND" run img t3-done -- true
    start_detached img t3-live sleep 1000
    run_t 10 "$COND" rm t3-live
    [ "$status" -ne 0 ] || fail_hint "rm of a running container refused" "exit 0" "rm is for containers that are not running (stop is for those)"
    alive "$pid" || fail_hint "t3-live still running after the refused rm" "PID 1 gone" "a refused rm changes nothing"
    run_t 10 "$COND" rm t3-done
    expect_status 0 "rm of an exited container works"
    [ ! -e "$CONDUCTOR_ROOT/containers/t3-done" ] || fail_hint "no containers/t3-done" "still there" "rm removes the state"
    run_t 10 "$COND" ps
    [[ $output != *t3-done* ]] || fail_hint "ps without t3-done" "$output" "rm removes the container"
}

@test "3.b conductor exec: joins every namespace of the container, PID > 1, same cgroup [4]" {
    busybox_image img
    start_detached img t3-exec sleep 1000
    run_t 10 "$COND" exec t3-exec -- sh -c 'echo me=$$;
        for ns in uts pid net ipc mnt; do echo "$ns=$(readlink /proc/self/ns/$ns)"; done; hostname'
    expect_status 0 "conductor exec should run the command"
    local mypid ns
    mypid=$(line_of me=)
    [[ $mypid =~ ^[0-9]+$ ]] && [ "$mypid" -gt 1 ] ||
        fail_hint "a PID > 1 inside" "'$mypid'" "fork after setns(CLONE_NEWPID): the child is a new process of the container"
    for ns in uts pid net ipc mnt; do
        expect_eq "$ns namespace of exec" "$(readlink /proc/$pid/ns/$ns)" "$(line_of "$ns=")" \
            "setns into /proc/PID/ns/$ns of the container's PID 1" || return 1
    done
    expect_eq "hostname seen by exec" t3-exec "$(tail -n 1 <<<"$output")" "join the UTS namespace"
    run_t 10 "$COND" exec t3-exec -- cat /proc/self/cgroup
    local limits='^[0-9]+:([^:]*,)?(cpu|memory|pids)(,[^:]*)?:|^0::'
    expect_eq "cpu, memory and pids cgroups of the exec'd process" \
        "$(grep -E "$limits" /proc/$pid/cgroup)" "$(grep -E "$limits" <<<"$output")" \
        "the exec'd process joins the container's cgroup (its limits apply to it too)"
}

@test "3.b conductor exec: sees the container's root and only its processes [3]" {
    echo image-file >"$CTX/only.txt"
    busybox_image img "COPY only.txt /only-in-image.txt"
    start_detached img t3-root sleep 1000
    run_t 10 "$COND" exec t3-root -- cat /only-in-image.txt
    expect_eq "a file of the image, read by exec" image-file "$output" \
        "after joining the mount namespace, fchdir to /proc/PID/root and chroot(\".\")"
    run_t 10 "$COND" exec t3-root -- ps -o pid,comm
    grep -Eq '^ *1 +sleep' <<<"$output" ||
        fail_hint "ps inside: PID 1 is sleep" "$output" "join the PID and mount namespaces"
    expect_eq "processes ps lists inside (sleep, ps)" 2 "$(tail -n +2 <<<"$output" | wc -l)" \
        "only the container's processes are visible"
}

@test "3.b conductor exec: the image's ENV and WORKDIR, every namespace PID 1 has [3]" {
    busybox_image img "ENV GREETING=hello-exec" "WORKDIR /srv/exec" "RUN true"
    start_detached img t3-exenv sleep 1000
    run_t 10 "$COND" exec t3-exenv -- sh -c 'echo "$GREETING $(pwd) $HOSTNAME"'
    expect_eq "ENV, WORKDIR and HOSTNAME seen by exec" "hello-exec /srv/exec t3-exenv" "$output" \
        "exec runs the command with the image's environment, in its WORKDIR"
    local all ns want
    all=$(ls /proc/self/ns)
    run_t 10 "$COND" exec t3-exenv -- sh -c "for ns in $(echo $all); do echo \"\$ns=\$(readlink /proc/self/ns/\$ns)\"; done"
    for ns in $all; do
        want=$(readlink "/proc/$pid/ns/$ns")
        [ "$ns" = pid_for_children ] && want=$(readlink "/proc/$pid/ns/pid")
        [ "$ns" = time_for_children ] && want=$(readlink "/proc/$pid/ns/time")
        expect_eq "$ns namespace of exec" "$want" "$(line_of "$ns=")" \
            "setns into each namespace PID 1 has (/proc/PID/ns)" || return 1
    done
}

@test "3.d overlay: a COPY'd file lives in exactly its layer; the container sees every layer [4]" {
    echo one >"$CTX/one.txt"
    echo two >"$CTX/two.txt"
    busybox_image img "COPY one.txt /one.txt" "RUN echo three > /three.txt" "COPY two.txt /two.txt"
    local l1 l2 l3
    l1=$(layers_with one.txt)
    l2=$(layers_with three.txt)
    l3=$(layers_with two.txt)
    expect_eq "number of layer dirs holding one.txt" 1 "$(wc -w <<<"$l1")" \
        "each COPY's files go into its own upper dir, which becomes the layer"
    expect_eq "number of layer dirs holding two.txt" 1 "$(wc -w <<<"$l3")" "one layer per step"
    [ "$l1" != "$l3" ] && [ "$l1" != "$l2" ] || fail_hint "three different layers" "$l1 $l2 $l3" "one layer per step"
    run_t 20 "$COND" run img t3-layers -- cat /one.txt /three.txt /two.txt
    expect_eq "files of three layers seen in the container" "$(printf 'one\nthree\ntwo')" "$output" \
        "lowerdir lists every layer, top one first"
    expect_eq "layers listed by images" 4 "$(cond images | awk '$1 == "img" { print $3 }')" "base + 3 steps"
}

@test "3.d overlay: a higher layer wins: its file over a lower one's, its deletion hides it [3]" {
    busybox_image img "RUN echo lower > /f; echo lower > /g; echo lower > /h" \
        "RUN echo upper > /f" "RUN rm /g"
    run_t 20 "$COND" run img t3-order -- sh -c 'cat /f /h; test -e /g && echo g-still-there; true'
    expect_eq "/f, /h and /g in the container" "$(printf 'upper\nlower')" "$output" \
        "lowerdir lists the layers top first: the leftmost one wins (overlayfs.rst, 'Multiple lower layers')"
}

@test "3.d overlay: writes land only in the container's upper dir; two containers are apart [3]" {
    busybox_image img "RUN echo base > /shared.txt"
    run_t 20 "$COND" run img t3-w1 -- sh -c 'echo mine > /new.txt; echo changed > /shared.txt'
    expect_status 0 "the container can write its root"
    local upper="$CONDUCTOR_ROOT/containers/t3-w1/upper"
    expect_eq "containers/t3-w1/upper/new.txt" mine "$(cat "$upper/new.txt" 2>&1)" "upperdir= the container's own dir"
    expect_eq "layer dirs holding new.txt" "" "$(layers_with new.txt)" "image layers are read-only (lowerdir)"
    expect_eq "the image's shared.txt" base "$(cat "$CONDUCTOR_ROOT/cache/layers/$(layers_with shared.txt)/shared.txt")" \
        "a changed image file is copied up, the layer keeps the original"
    run_t 20 "$COND" run img t3-w2 -- sh -c 'cat /shared.txt; test -e /new.txt && echo sees-new'
    expect_eq "what a second container of the image sees" base "$output" \
        "each container has its own upper dir"
}

@test "3.d overlay: deleting an image file leaves a whiteout, the image keeps it [3]" {
    busybox_image img "RUN echo keep > /victim.txt"
    run_t 20 "$COND" run img t3-rm -- sh -c 'rm /victim.txt && test ! -e /victim.txt && echo gone'
    expect_eq "output" gone "$output" "the container can delete an image file"
    local wh="$CONDUCTOR_ROOT/containers/t3-rm/upper/victim.txt"
    expect_eq "type and device of upper/victim.txt" "character special file 0:0" \
        "$(stat -c '%F %t:%T' "$wh" 2>&1)" "overlayfs records a deletion as a 0:0 character device in upperdir"
    run_t 20 "$COND" run img t3-rm2 -- cat /victim.txt
    expect_eq "victim.txt in a new container" keep "$output" "the lower layer is never changed"
}

@test "3.d overlay: an image of 150 layers still mounts [2]" {
    local lines=("FROM busybox") i
    for i in $(seq 1 150); do lines+=("RUN echo $i > /f$i"); done
    build img "${lines[@]}"
    run_t 20 "$COND" run img t3-deep -- sh -c 'cat /f1 /f150'
    expect_eq "files of the first and last layer" "$(printf '1\n150')" "$output" \
        "the mount options are one page at most: use short paths (relative to a chdir)"
}

@test "3.e COPY: files, modes, directories and symlinks reach the layer [3]" {
    mkdir -p "$CTX/tree/sub"
    printf '#!/bin/sh\necho tool-ran\n' >"$CTX/tree/tool"
    chmod 750 "$CTX/tree/tool"
    echo deep >"$CTX/tree/sub/deep.txt"
    ln -s sub/deep.txt "$CTX/tree/link"
    echo single >"$CTX/single.txt"
    busybox_image img "COPY tree /opt/tree" "WORKDIR /opt" "COPY single.txt rel/"
    local layer
    layer=$CONDUCTOR_ROOT/cache/layers/$(layers_with opt/tree/tool)
    expect_eq "mode of opt/tree/tool in the layer" 750 "$(stat -c %a "$layer/opt/tree/tool" 2>&1)" "keep each file's mode"
    expect_eq "opt/tree/link in the layer" "sub/deep.txt" "$(readlink "$layer/opt/tree/link")" "copy a symlink as a symlink"
    expect_eq "opt/tree/sub/deep.txt" deep "$(cat "$layer/opt/tree/sub/deep.txt" 2>&1)" "copy directories recursively"
    run_t 20 "$COND" run img t3-copy -- sh -c '/opt/tree/tool; cat /opt/tree/link /opt/rel/single.txt'
    expect_eq "output in the container" "$(printf 'tool-ran\ndeep\nsingle')" "$output" \
        "relative DEST is relative to WORKDIR; DEST/ is a directory"
}

@test "3.e COPY: the build cache: unchanged rebuild makes nothing, a changed source one layer [3]" {
    echo v1 >"$CTX/a.txt"
    busybox_image img "RUN echo first > /first" "COPY a.txt /a.txt"
    local count stamp
    count=$(layer_count)
    stamp=$(ls -l --time-style=+%s.%N "$CONDUCTOR_ROOT/cache/layers")
    run_t 30 "$COND" build img "$CTX/Conductorfile"
    expect_status 0 "rebuild"
    expect_eq "layer dirs after an unchanged rebuild" "$count" "$(layer_count)" "an unchanged step is a cache hit"
    expect_eq "layer dirs' mtimes" "$stamp" "$(ls -l --time-style=+%s.%N "$CONDUCTOR_ROOT/cache/layers")" "no work"
    echo v2 >"$CTX/a.txt"
    run_t 30 "$COND" build img "$CTX/Conductorfile"
    expect_status 0 "rebuild after a change"
    expect_eq "layer dirs after changing a.txt" $((count + 1)) "$(layer_count)" \
        "COPY's id hashes its sources' content: only that step is redone"
    run_t 20 "$COND" run img t3-cache -- cat /a.txt
    expect_eq "a.txt in the rebuilt image" v2 "$output" "the new layer has the new content"
}

@test "3.e build cache: a changed earlier step rebuilds every later one [2]" {
    echo same >"$CTX/a.txt"
    busybox_image img "RUN echo v1 > /first" "COPY a.txt /a.txt"
    local count
    count=$(layer_count)
    busybox_image img "RUN echo v2 > /first" "COPY a.txt /a.txt"
    expect_eq "layer dirs after changing step 1 of 2" $((count + 2)) "$(layer_count)" \
        "a layer's id covers its parent's: the COPY on top of a new layer is a new layer too"
    run_t 20 "$COND" run img t3-chain -- cat /first /a.txt
    expect_eq "files of the rebuilt image" "$(printf 'v2\nsame')" "$output" "every step of the new chain"
}

@test "3.e COPY: sources outside the context are refused (.., absolute, symlink out) [3]" {
    echo fine >"$CTX/fine.txt"
    busybox_image img "COPY fine.txt /fine.txt"
    echo secret >"$BATS_TEST_TMPDIR/outside.txt"
    ln -s "$BATS_TEST_TMPDIR/outside.txt" "$CTX/sneaky"
    local count src
    count=$(layer_count)
    for src in ../outside.txt "$BATS_TEST_TMPDIR/outside.txt" sneaky; do
        conductorfile "FROM busybox" "COPY $src /x"
        run_t 30 "$COND" build evil "$CTX/Conductorfile"
        [ "$status" -ne 0 ] && [[ $output == *Conductorfile:2* ]] ||
            fail_hint "build refused, naming Conductorfile:2" "status $status: $output" \
                "COPY sources must stay inside the build context" || return 1
    done
    expect_eq "layer dirs after the refused builds" "$count" "$(layer_count)" "nothing made"
    [ ! -e "$CONDUCTOR_ROOT/images/evil" ] || fail_hint "no image evil" "images/evil" "a failed build leaves no image"
    expect_eq "layers holding x" "" "$(layers_with x)" "nothing copied"
}

@test "3.f RUN: runs on the image so far, with ENV and WORKDIR; its writes are one layer [3]" {
    busybox_image img "ENV GREETING=hi" "WORKDIR /work" "RUN echo \$GREETING > made.txt; pwd >> made.txt" \
        "RUN cat /work/made.txt > /copy.txt; rm /etc/passwd"
    local l1 l2
    l1=$(layers_with work/made.txt)
    l2=$(layers_with copy.txt)
    expect_eq "number of layers holding work/made.txt" 1 "$(wc -w <<<"$l1")" "the step's upper dir is the layer"
    expect_eq "work/made.txt" "$(printf 'hi\n/work')" "$(cat "$CONDUCTOR_ROOT/cache/layers/$l1/work/made.txt")" \
        "RUN gets the image's ENV and WORKDIR"
    expect_eq "copy.txt (made from the previous layer's file)" "$(printf 'hi\n/work')" \
        "$(cat "$CONDUCTOR_ROOT/cache/layers/$l2/copy.txt" 2>&1)" "the command sees every layer below"
    expect_eq "etc/passwd in the second RUN's layer" "character special file 0:0" \
        "$(stat -c '%F %t:%T' "$CONDUCTOR_ROOT/cache/layers/$l2/etc/passwd" 2>&1)" "a deletion is a whiteout in the layer"
}

@test "3.f RUN: a failing step leaves no image and no layer, and names its line [3]" {
    busybox_image img "RUN echo ok > /ok"
    local count
    count=$(layer_count)
    conductorfile "FROM busybox" "RUN echo ok > /ok" "RUN echo partial > /partial; exit 7"
    run_t 30 "$COND" build broken "$CTX/Conductorfile"
    [ "$status" -ne 0 ] || fail_hint "a non-zero exit" "status 0" "the build must fail when RUN does"
    expect_match "error message" "Conductorfile:3" "$output" "say which line failed"
    expect_eq "layer dirs after the failed build" "$count" "$(layer_count)" "no half layer"
    [ ! -e "$CONDUCTOR_ROOT/images/broken" ] || fail_hint "no image broken" "images/broken" "no image"
    expect_eq "leftovers in tmp/" "" "$(ls "$CONDUCTOR_ROOT/tmp")" "clean the step's temp dir"
    conductorfile "FROM busybox" "RUN echo ok > /ok" "BOGUS thing"
    run_t 30 "$COND" build broken "$CTX/Conductorfile"
    [ "$status" -ne 0 ] && [[ $output == *Conductorfile:3* ]] ||
        fail_hint "unknown instruction refused at Conductorfile:3" "status $status: $output" "parse before building"
}

@test "3.f RUN: a conductor killed half way through a build leaves no image, layer or process [2]" {
    busybox_image img "RUN echo ok > /ok"
    local count
    count=$(layer_count)
    # A sleep no other process on the machine runs (other graders may run this same test):
    # its length is made of this test's PID.
    local nap=$((100000 + $$))
    conductorfile "FROM busybox" "RUN echo ok > /ok" "RUN touch /half; sleep $nap"
    "$COND" build killed "$CTX/Conductorfile" >/dev/null 2>&1 3>&- &
    local builder=$! i
    for i in $(seq 50); do [ -n "$(pgrep -f "^sleep $nap\$")" ] && break; sleep 0.1; done
    kill -9 "$builder"
    wait "$builder" 2>/dev/null || true
    sleep 0.3
    expect_eq "the RUN step's processes after its conductor was killed" "" "$(pgrep -f "^sleep $nap\$")" \
        "the step must not outlive its build (PR_SET_PDEATHSIG)"
    run_t 10 "$COND" rmcache
    expect_status 0 "the next conductor works after a killed one"
    expect_eq "leftovers in tmp/ after the next command" "" "$(ls "$CONDUCTOR_ROOT/tmp")" \
        "temp dirs of a dead conductor are removed"
    [ ! -e "$CONDUCTOR_ROOT/images/killed" ] || fail_hint "no image killed" "images/killed" "no half image"
    expect_eq "layers holding half" "" "$(layers_with half)" "no half layer"
}

@test "3.f images and rmi: shared layers stay, rmi refused while a container uses the image [2]" {
    busybox_image img1 "RUN echo shared > /shared"
    busybox_image img2 "RUN echo shared > /shared" "RUN echo own > /own"
    local shared own
    shared=$(layers_with shared)
    own=$(layers_with own)
    expect_eq "layers holding /shared (img1 and img2 share it)" 1 "$(wc -w <<<"$shared")" "same steps, same layer id"
    run_t 10 "$COND" run -d img2 t3-user -- sleep 1000
    run_t 10 "$COND" rmi img2
    [ "$status" -ne 0 ] || fail_hint "rmi img2 refused" "status 0" "a container uses img2"
    cond stop t3-user >/dev/null
    run_t 10 "$COND" rmi img2
    expect_status 0 "rmi img2 once no container uses it"
    [ ! -e "$CONDUCTOR_ROOT/cache/layers/$own" ] || fail_hint "layer $own removed" "still there" "only img2 used it"
    [ -e "$CONDUCTOR_ROOT/cache/layers/$shared" ] || fail_hint "layer $shared kept" "removed" "img1 still uses it"
    run_t 20 "$COND" run img1 t3-after -- cat /shared
    expect_eq "img1 after rmi img2" shared "$output" "img1 must still work"
}

@test "3.f rmcache: the layers no image uses go, the others stay [1]" {
    busybox_image img1 "RUN echo keep > /keep"
    busybox_image img2 "RUN echo drop > /drop"
    local keep drop
    keep=$(layers_with keep)
    drop=$(layers_with drop)
    rm "$CONDUCTOR_ROOT/images/img2"   # as if img2 had been removed without its layers
    run_t 20 "$COND" rmcache
    expect_status 0 "rmcache"
    [ -n "$drop" ] && [ ! -e "$CONDUCTOR_ROOT/cache/layers/$drop" ] ||
        fail_hint "layer $drop (no image uses it) removed" "still there" "rmcache deletes unreferenced layers"
    [ -n "$keep" ] && [ -e "$CONDUCTOR_ROOT/cache/layers/$keep" ] ||
        fail_hint "layer $keep (img1 uses it) kept" "removed" "rmcache keeps what images use"
}

@test "3.g conductor run --read-only: / and the files bound on it are read-only mounts, writes fail with EROFS [3]" {
    busybox_image img
    RUN_OPTS="--read-only" start_detached img t3-ro sleep 1000
    local mp
    for mp in / /etc/hostname /etc/resolv.conf; do
        expect_match "the mount on $mp in the container's mountinfo" "^ro " "$(mount_mode "$pid" "$mp")" \
            "read-only is a flag of each mount (mount(2), 'Remounting an existing mount'): the root and each bind on it have their own" ||
            return 1
    done
    expect_eq "the container's root is still its overlay" "ro overlay" "$(mount_mode "$pid" /)" \
        "remount the overlay that make_root mounted, do not mount something else on it"
    local probe=probe-$$-$RANDOM
    expect_eq "creating /$probe in the container (through /proc/PID/root)" EROFS \
        "$(open_errno "/proc/$pid/root/$probe")" "no file may be created on a read-only root"
    expect_eq "opening the container's /etc/hostname for writing" EROFS \
        "$(open_errno "/proc/$pid/root/etc/hostname")" "a bind mount keeps its own flags: remount it read-only too"
    [ ! -e "$CONDUCTOR_ROOT/containers/t3-ro/upper/$probe" ] ||
        fail_hint "nothing new in containers/t3-ro/upper" "$probe is there" "the write must fail, not land in the upper dir"
}

@test "3.g conductor run --read-only: /tmp is a writable tmpfs of the container's own, /dev/shm still writable [2]" {
    busybox_image img
    RUN_OPTS="--read-only" start_detached img t3-rotmp sleep 1000
    expect_eq "the mount on /tmp in the container's mountinfo" "rw tmpfs" "$(mount_mode "$pid" /tmp)" \
        "a tmpfs on /tmp, mounted while its mount point can still be made"
    local f=scratch-$$-$RANDOM
    expect_eq "creating /tmp/$f in the container" OK "$(open_errno "/proc/$pid/root/tmp/$f")" \
        "programs need a place to write: the tmpfs stays writable"
    expect_eq "creating /dev/shm/$f in the container" OK "$(open_errno "/proc/$pid/root/dev/shm/$f")" \
        "only the root and its bound files turn read-only: the mounts on it keep their own flags"
    [ ! -e "$CONDUCTOR_ROOT/containers/t3-rotmp/upper/tmp/$f" ] ||
        fail_hint "the file in the tmpfs, not in the upper dir" "upper/tmp/$f" "mount the tmpfs on /tmp"
    run_t 20 "$COND" run img t3-rw -- sh -c "echo x > /$f && echo wrote"
    expect_eq "a write to / without --read-only" wrote "$output" "only --read-only makes the root read-only"
}

@test "3.h conductor run --user UID:GID: every uid and gid field, no supplementary group, no capability [3]" {
    busybox_image img
    # conductor itself runs with supplementary groups, as a login shell's root may have.
    run_t 20 setpriv --groups 4,27 -- "$COND" run -d --user 1234:2345 img t3-user -- sleep 1000
    expect_status 0 "run -d --user 1234:2345 should start the container"
    pid=$(init_pid t3-user)
    local ids
    ids=$(status_ids "$pid")
    expect_eq "Uid: of PID 1 (real, effective, saved, filesystem)" "Uid: 1234 1234 1234 1234" \
        "$(grep ^Uid: <<<"$ids")" "all four: a saved uid of 0 would let the process become root again (credentials(7))"
    expect_eq "Gid: of PID 1" "Gid: 2345 2345 2345 2345" "$(grep ^Gid: <<<"$ids")" \
        "the group first: once the uid is not 0 the process may no longer change it"
    expect_match "Groups: of PID 1 (none, or only 2345)" "^Groups:( 2345)?$" "$(grep ^Groups: <<<"$ids")" \
        "conductor's supplementary groups (4, 27) must not reach the container: setgroups(2)"
    expect_eq "CapPrm: and CapEff: of PID 1" "CapPrm: 0000000000000000 CapEff: 0000000000000000" \
        "$(grep ^Cap <<<"$ids" | tr '\n' ' ' | sed 's/ $//')" \
        "the kernel clears the capabilities when every uid leaves 0 (capabilities(7)); seteuid alone keeps them permitted"
    RUN_OPTS="--user 4321" start_detached img t3-user2 sleep 1000
    ids=$(status_ids "$pid")
    expect_eq "Uid: and Gid: with --user 4321" "Uid: 4321 4321 4321 4321 Gid: 0 0 0 0" \
        "$(grep -E '^(Uid|Gid):' <<<"$ids" | tr '\n' ' ' | sed 's/ $//')" "without GID the group is 0, as Docker's"
}

@test "3.h conductor run --user: files it makes are the user's, root's stay out of reach, exec runs as the user too [2]" {
    busybox_image img
    RUN_OPTS="--user 1234:2345" start_detached img t3-userx sleep 1000
    local f=mine-$$-$RANDOM upper="$CONDUCTOR_ROOT/containers/t3-userx/upper"
    run_t 10 "$COND" exec t3-userx -- sh -c "echo x > /tmp/$f; echo x >> /etc/passwd; echo done"
    expect_match "exec's output" "done" "$output" "exec runs the command in a --user container"
    expect_eq "owner of the file exec made (upper/tmp/$f)" 1234:2345 "$(stat -c %u:%g "$upper/tmp/$f" 2>&1)" \
        "exec becomes the container's user too (Docker's default), after joining it as root"
    [ ! -e "$upper/etc/passwd" ] ||
        fail_hint "/etc/passwd untouched (not copied up)" "upper/etc/passwd exists" \
            "a user other than root may not write root's 0644 files: the ids must change before the exec"
    run_t 20 "$COND" run --user 1234:2345 img t3-usery -- sh -c "echo x > /tmp/$f"
    expect_eq "owner of the file PID 1 made" 1234:2345 \
        "$(stat -c %u:%g "$CONDUCTOR_ROOT/containers/t3-usery/upper/tmp/$f" 2>&1)" "PID 1 runs as --user"
}

# diff_lines NAME : conductor diff NAME, sorted (the order is the kit's walk, not the part's).
diff_lines() {
    run_t 20 "$COND" diff "$1"
    expect_status 0 "conductor diff $1 should list the changes" || return 1
    output=$(LC_ALL=C sort <<<"$output")
}

@test "3.i conductor diff: a file added, changed and deleted, a directory added and deleted [3]" {
    local n=$$$RANDOM
    busybox_image img "RUN mkdir -p /srv/old$n /srv/keep && echo o > /srv/old$n/o && echo k > /srv/keep/k && echo c > /srv/change$n && echo g > /srv/gone$n"
    run_t 20 "$COND" run img t3-fresh -- true
    diff_lines t3-fresh
    expect_eq "conductor diff of a container that changed nothing" "" "$output" "an empty upper dir: no change"
    run_t 20 "$COND" run img t3-diff -- sh -c "echo n > /srv/new$n; echo more >> /srv/change$n; rm /srv/gone$n;
        mkdir -p /srv/dir$n/sub; echo f > /srv/dir$n/sub/f; rm -rf /srv/old$n; echo k2 > /srv/keep/k"
    expect_status 0 "the container's changes should succeed"
    diff_lines t3-diff
    local want
    want=$(LC_ALL=C sort <<END
C /srv
A /srv/new$n
C /srv/change$n
D /srv/gone$n
A /srv/dir$n
A /srv/dir$n/sub
A /srv/dir$n/sub/f
D /srv/old$n
C /srv/keep/k
END
)
    expect_eq "conductor diff t3-diff (sorted)" "$want" "$output" \
        "a whiteout (overlayfs.rst) is D; an entry the image has is C, else A; /srv/keep was only copied up to hold k (same mode, owner, mtime): not listed"
}

@test "3.i conductor diff: a whiteout is D, not A; the image's own deletions are no change [2]" {
    local n=$$$RANDOM
    busybox_image img "RUN echo a > /was$n; echo x > /etc/x$n" "RUN rm /was$n"
    start_detached img t3-wh sleep 1000
    run_t 10 "$COND" exec t3-wh -- sh -c "rm /etc/x$n; echo back > /was$n; mknod /dev$n c 1 3"
    expect_eq "type and device of upper/etc/x$n" "character special file 0:0" \
        "$(stat -c '%F %t:%T' "$CONDUCTOR_ROOT/containers/t3-wh/upper/etc/x$n" 2>&1)" "(the container's rm made a whiteout)"
    diff_lines t3-wh
    expect_eq "conductor diff t3-wh (sorted), while it runs" \
        "$(printf 'A /dev%s\nA /was%s\nC /etc\nD /etc/x%s' "$n" "$n" "$n")" "$output" \
        "only a character device 0:0 in upper is a deletion (a new device 1:3 is not); a whiteout in an image layer deletes there too, so /was$n is new again"
}

@test "3.i conductor diff: a replaced directory (rm -rf, mkdir) is C, and what it hid of the image D [2]" {
    local n=$$$RANDOM
    busybox_image img "RUN mkdir -p /data$n/sub && echo 1 > /data$n/one && echo 2 > /data$n/two && echo s > /data$n/sub/s"
    run_t 20 "$COND" run img t3-opq -- sh -c "rm -rf /data$n; mkdir -p /data$n/new; echo 1b > /data$n/one"
    expect_status 0 "the container's changes should succeed"
    local opaque
    opaque=$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque", follow_symlinks=False).decode())' \
        "$CONDUCTOR_ROOT/containers/t3-opq/upper/data$n" 2>&1)
    expect_eq "trusted.overlay.opaque of upper/data$n" y "$opaque" "(overlayfs marked the new directory opaque)"
    diff_lines t3-opq
    local want
    want=$(LC_ALL=C sort <<END
C /data$n
A /data$n/new
C /data$n/one
D /data$n/sub
D /data$n/two
END
)
    expect_eq "conductor diff t3-opq (sorted)" "$want" "$output" \
        "an opaque directory (xattr trusted.overlay.opaque=y) hides the image's: it is C, and nothing below it is the image's"
}

@test "3.a debian:bookworm: debootstrap base, run is PID 1, exec a higher PID, hostname [4]" {
    echo deb-file >"$CTX/f.txt"
    conductorfile "FROM debian:bookworm" "COPY f.txt /bin/f.txt" "RUN echo ran > /ran.txt"
    run_t 900 "$COND" build deb "$CTX/Conductorfile"
    expect_status 0 "FROM debian:bookworm debootstraps (once, into \$KIT_CACHE) from the host's mirror"
    run_t 30 "$COND" run deb t3-deb -- bash -c 'echo $$; hostname; cat /bin/f.txt /ran.txt; . /etc/os-release; echo $VERSION_CODENAME'
    expect_eq "run on debian" "$(printf '1\nt3-deb\ndeb-file\nran\nbookworm')" "$output" \
        "PID 1, the hostname, files of every layer"
    start_detached deb t3-debd sleep 1000
    run_t 10 "$COND" exec t3-debd -- bash -c 'echo $$; readlink /proc/self/ns/pid; hostname'
    local mypid
    mypid=$(sed -n 1p <<<"$output")
    [[ $mypid =~ ^[0-9]+$ ]] && [ "$mypid" -gt 1 ] || fail_hint "PID > 1" "'$mypid'" "fork after setns"
    expect_eq "pid namespace of exec" "$(readlink /proc/$pid/ns/pid)" "$(sed -n 2p <<<"$output")" "setns"
    expect_eq "hostname in exec" t3-debd "$(sed -n 3p <<<"$output")" "setns into uts"
}
