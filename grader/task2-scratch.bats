#!/usr/bin/env bats
# task2 part 2: scratch_container, a complete container from primitives.
# Every test runs the program on a busybox rootfs built once for this file, looks at what a
# person could observe from inside (/proc/self/status, PIDs, mounts, files) or outside (host
# hostname, file owners, exit status), and checks afterwards that no mount or cgroup is left.
load lib/kit
load lib/scratch

DEFAULT_CAPS="0 1 3 4 5 6 7 8 10 13 18 27 29 31" # Docker's: chown dac_override fowner fsetid
# kill setgid setuid setpcap net_bind_service net_raw sys_chroot mknod audit_write setfcap

setup_file() {
    export ROOTFS="$BATS_FILE_TMPDIR/rootfs"
    scratch_make_rootfs "$ROOTFS"
    mkdir -p "$ROOTFS/kit"
    # Start sleepers from a throw-away shell (busybox sh exits at its first failed fork), then
    # count the container's processes without forking (a glob is a shell builtin).
    cat >"$ROOTFS/kit/forkbomb.sh" <<'EOF'
sh -c 'for i in $(seq 1 40); do sleep 5 & done' 2>/dev/null
set -- /proc/[0-9]*
echo "processes=$#"
EOF
    # Two busy loops for 3 s; their CPU time (utime + stime, in clock ticks) from /proc.
    cat >"$ROOTFS/kit/spin.sh" <<'EOF'
spin() { while :; do :; done; }
spin & a=$!
spin & b=$!
sleep 3
t=0
for p in $a $b; do
    read -r _ _ _ _ _ _ _ _ _ _ _ _ _ u s _ </proc/$p/stat
    t=$((t + u + s))
done
echo "ticks=$t"
EOF
    # An orphan: its parent exits at once, so it is re-parented to PID 1, which must reap it.
    cat >"$ROOTFS/kit/orphan.sh" <<'EOF'
sh -c 'sleep 0.3 &'
sleep 1
z=0
for f in /proc/[0-9]*/stat; do
    read -r _ _ state _ <"$f" && [ "$state" = Z ] && z=$((z + 1))
done
echo "zombies=$z"
EOF
}

@test "2.5 scratch_container: CMD runs under PID 1 of a new PID namespace [2]" {
    in_container -- sh -c 'echo "$PPID $(readlink /proc/self/ns/pid)"'
    expect_status 0 "scratch_container ROOTFS sh -c ... should run the command and exit 0"
    local host_ns
    host_ns=$(readlink /proc/self/ns/pid)
    expect_eq "CMD's parent PID inside" 1 "${output%% *}" \
        "clone with CLONE_NEWPID; the child is PID 1 (the init) and forks CMD"
    [ "${output#* }" != "$host_ns" ] ||
        fail_hint "a PID namespace other than the host's ($host_ns)" "${output#* }" \
            "CLONE_NEWPID in the clone flags"
}

@test "2.5 scratch_container: no host process is visible inside [2]" {
    in_container -- sh -c 'set -- /proc/[0-9]*; echo $#'
    expect_status 0 "scratch_container ROOTFS sh -c ... should run"
    [ "$output" -ge 1 ] && [ "$output" -le 3 ] 2>/dev/null ||
        fail_hint "1 to 3 processes in the container's /proc (init, sh)" "$output" \
            "a new PID namespace (2.5) and a proc mounted from inside it (2.10)"
}

@test "2.11 scratch_container: --hostname is set inside, the host's is unchanged [2]" {
    local host_before host_after
    host_before=$(hostname)
    in_container --hostname kit-box -- hostname
    host_after=$(hostname)
    expect_status 0 "scratch_container --hostname kit-box ROOTFS hostname should run"
    expect_eq "hostname inside" kit-box "$output" "sethostname(2) in the child (2.11)"
    expect_eq "the host's hostname afterwards" "$host_before" "$host_after" \
        "CLONE_NEWUTS: the child must have its own UTS namespace before sethostname"
}

@test "2.10 scratch_container: the old root is detached and unreachable [3]" {
    local marker="$BATS_TEST_TMPDIR/host-only-marker"
    touch "$marker"
    in_container -- sh -c "ls /..; test -e '$marker' && echo HOST-FILE-VISIBLE;
        awk '\$5 == \"/\"' /proc/self/mountinfo | wc -l"
    expect_status 0 "scratch_container ROOTFS sh -c ... should run"
    local want
    want="$(ls -1 "$ROOTFS" | tr '\n' ' ')1 "
    expect_eq "ls /.. inside, then the number of mounts on /" "$want" \
        "$(printf '%s\n' "$output" | tr '\n' ' ')" \
        "pivot_root into ROOTFS, then umount2(old root, MNT_DETACH): one mount on /, none of the host's files"
}

@test "2.10 scratch_container: proc, sysfs, /dev are the container's own, with runc's masks [2]" {
    in_container -- sh -c '
        echo x >/dev/null && echo devnull-ok
        [ -c /dev/urandom ] && [ -c /dev/tty ] && [ -d /dev/pts ] && [ -d /dev/shm ] && echo dev-ok
        awk '"'"'$5 == "/sys" { split($6, o, ","); if (o[1] == "ro") print "sys-ro" }'"'"' /proc/self/mountinfo
        { echo kit >/proc/sys/kernel/hostname; } 2>/dev/null || echo proc-sys-ro
        { echo kit >/proc/sysrq-trigger; } 2>/dev/null || echo sysrq-ro
        [ -z "$(cat /proc/keys /proc/timer_list 2>/dev/null)" ] && echo masked
        [ -z "$(ls /sys/firmware)" ] && echo firmware-masked'
    expect_status 0 "scratch_container ROOTFS sh -c ... should run"
    expect_eq "checks passed inside" \
        "devnull-ok dev-ok sys-ro proc-sys-ro sysrq-ro masked firmware-masked" \
        "$(printf '%s\n' "$output" | tr '\n' ' ' | sed 's/ $//')" \
        "proc, a read-only sysfs (its mount options: /proc/self/mountinfo) and /dev before pivot_root, the masks after it (2.10)"
}

@test "2.12 scratch_container: capabilities are Docker's default set [3]" {
    local want=0 c
    for c in $DEFAULT_CAPS; do want=$((want | (1 << c))); done
    want=$(printf '%016x' "$want")
    in_container -- cat /proc/self/status
    expect_status 0 "scratch_container ROOTFS cat /proc/self/status should run"
    expect_eq "CapEff" "$want" "$(line_of 'CapEff:' | tr -d '\t ')" \
        "cap_set_proc with the default set in effective and permitted (2.12)"
    expect_eq "CapBnd" "$want" "$(line_of 'CapBnd:' | tr -d '\t ')" \
        "cap_drop_bound every capability outside the default set (2.12)"
    expect_eq "CapAmb" 0000000000000000 "$(line_of 'CapAmb:' | tr -d '\t ')" \
        "cap_reset_ambient (2.12)"
    local inh
    inh=$((16#$(line_of 'CapInh:' | tr -d '\t ')))
    [ $((inh & ~16#$want)) -eq 0 ] ||
        fail_hint "CapInh within the default set" "$(line_of 'CapInh:')" "clear the inheritable set"
}

@test "2.13 scratch_container: no_new_privs and a seccomp filter are on [2]" {
    in_container -- cat /proc/self/status
    expect_status 0 "scratch_container ROOTFS cat /proc/self/status should run"
    expect_eq "NoNewPrivs" 1 "$(line_of 'NoNewPrivs:' | tr -d '\t ')" \
        "prctl(PR_SET_NO_NEW_PRIVS, 1) before the filter (2.13)"
    expect_eq "Seccomp" 2 "$(line_of 'Seccomp:' | tr -d '\t ')" \
        "2 means a filter is loaded: seccomp_load (2.13)"
}

@test "2.13 scratch_container: dangerous syscalls are refused with EPERM [4]" {
    in_container -- /bin/kit-probe
    expect_status 0 "the probe (grader/helpers/syscall_probe.c) should run inside"
    expect_match "the probe's allowed call" "getpid OK" "$output" "the probe did not run to its end"
    local bad
    bad=$(printf '%s\n' "$output" | awk '$1 != "getpid" && $1 != "allowed" && $2 != "EPERM"' | tr '\n' ';')
    [ -z "$bad" ] ||
        fail_hint "every probed call failing with EPERM" "$bad" \
            "SCMP_ACT_ERRNO(EPERM) rules for each call; clone/unshare/setns only with CLONE_NEWUSER (2.13)"
}

@test "2.7 scratch_container: a memory hog is OOM-killed under --memory and reported [3]" {
    in_container --memory 32m -- sh -c 'head -c 300m /dev/zero | tail'
    expect_status 137 "tail holds 300 MB: under --memory 32m the OOM killer must kill it (128+9)"
    expect_match "the report on stderr" "OOM" "$output" \
        "after the container ends, kit_cgroup_oom_kills > 0 means say so (memory limit N)"
}

@test "2.7 scratch_container: a fork bomb stops at --pids [3]" {
    in_container --pids 10 -- sh /kit/forkbomb.sh
    expect_status 0 "the fork-bomb script should end normally"
    local n
    n=$(line_of processes=)
    [ -n "$n" ] && [ "$n" -ge 3 ] && [ "$n" -le 10 ] ||
        fail_hint "3 to 10 processes with --pids 10 (40 sleepers attempted)" "${n:-$output}" \
            "kit_cgroup_set_pids before the child is let go (2.7)"
}

# The directory of PID's cgroup for CONTROLLER (v1: the hierarchy holding it; v2: the one).
cgroup_dir_of() {
    local pid=$1 ctrl=$2 _n ctrls path mnt
    while IFS=: read -r _n ctrls path; do
        if [ -z "$ctrls" ]; then
            mnt=$(awk '{ split($0, h, " - "); split(h[1], f, " "); split(h[2], s, " ")
                         if (s[1] == "cgroup2") { print f[5]; exit } }' /proc/self/mountinfo)
        elif [[ ",$ctrls," == *",$ctrl,"* ]]; then
            mnt=$(awk -v c="$ctrl" '{ split($0, h, " - "); split(h[1], f, " "); split(h[2], s, " ")
                         if (s[1] == "cgroup" && ("," s[3] ",") ~ ("," c ",")) { print f[5]; exit } }' \
                  /proc/self/mountinfo)
        else
            continue
        fi
        [ -n "$mnt" ] && [ -e "$mnt$path/cgroup.procs" ] || continue
        if [ -z "$ctrls" ] && [ ! -e "$mnt$path/$ctrl.max" ] && [ "$ctrl" != memory ]; then
            continue
        fi
        echo "$mnt$path"
        return 0
    done <"/proc/$pid/cgroup"
    return 1
}

# Judged by the kernel's own evidence, not by an idle machine: the quota and period configured
# for the container's group, the throttling the kernel counted in it, and the CPU the loops got
# (at most about 0.6 core, however busy the machine is).
@test "2.7 scratch_container: --cpus 0.5 sets a quota of half a core, and the kernel throttles [3]" {
    local out="$BATS_TEST_TMPDIR/spin.out" pid init dir= quota= period= throttled=
    "$SC" --cpus 0.5 "$ROOTFS" sh /kit/spin.sh >"$out" 2>&1 3>&- &
    pid=$!
    init=$(container_init_of "$pid")
    # Sample the group while the container runs: its quota once, its throttling counter last.
    while kill -0 "$pid" 2>/dev/null; do
        local d
        d=$(cgroup_dir_of "$init" cpu 2>/dev/null) || d=
        if [ -n "$d" ]; then # (the group may vanish between two reads as the container ends)
            dir=$d
            local q p t
            if [ -e "$dir/cpu.max" ]; then
                read -r q p <"$dir/cpu.max" 2>/dev/null || q=
            else
                q=$(cat "$dir/cpu.cfs_quota_us" 2>/dev/null) || q=
                p=$(cat "$dir/cpu.cfs_period_us" 2>/dev/null) || q=
            fi
            [ -z "$q" ] || { quota=$q period=$p; }
            t=$(awk '$1 == "nr_throttled" { print $2 }' "$dir/cpu.stat" 2>/dev/null) || t=
            [ -z "$t" ] || throttled=$t
        fi
        sleep 0.2
    done
    wait "$pid" || true
    [ -n "$dir" ] || fail_hint "the container's init in a cgroup of its own with the cpu controller" \
        "none seen for init $init; output: $(cat "$out")" "make the group and write the child's PID to cgroup.procs (2.7)"
    expect_eq "quota/period of the container's group" 0.50 \
        "$(awk -v q="$quota" -v p="$period" 'BEGIN { if (p > 0 && q ~ /^[0-9]+$/) printf "%.2f", q / p; else print q "/" p }')" \
        "--cpus is a quota per period: cpu.max on v2, cpu.cfs_quota_us and cpu.cfs_period_us on v1 (2.7)"
    local ticks cores
    ticks=$(awk -F= '/^ticks=/ { print $2 }' "$out")
    cores=$(awk -v t="${ticks:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz / 3 }')
    awk -v c="$cores" 'BEGIN { exit !(c > 0 && c <= 0.62) }' ||
        fail_hint "two busy loops getting at most about 0.6 core" "$cores ($(cat "$out"))" \
            "the limit must hold CMD and what it forks (2.7)"
    # A busy machine may give the loops less than their quota: then nothing was throttled.
    # Near the quota, the kernel must have throttled them.
    awk -v c="$cores" -v t="${throttled:-0}" 'BEGIN { exit !(c < 0.4 || t > 0) }' ||
        fail_hint "nr_throttled > 0 in $dir/cpu.stat when the loops got $cores core" \
            "${throttled:-none}" "the child (and so CMD) must be in the group before it runs (2.7)"
}

@test "2.6 scratch_container: with --userns, root's files on a --mount belong to host uid 100000 [3]" {
    local share="$BATS_TEST_TMPDIR/share"
    mkdir -m 0777 "$share"
    in_container --userns=100000-165535 --mount "$share:/data" -- \
        sh -c 'id -u; cat /proc/self/uid_map; touch /data/made-inside'
    expect_status 0 "scratch_container --userns --mount DIR:/data ROOTFS sh -c ... should run"
    expect_eq "uid inside, then uid_map" "0 0 100000 65536" "$(echo $output)" \
        "the parent writes uid_map '0 100000 65536' (2.6); the child setresuid(0,0,0) (2.9)"
    expect_eq "owner of the file on the host" 100000:100000 \
        "$(stat -c %u:%g "$share/made-inside" 2>&1)" \
        "container root is host uid 100000: uid_map and gid_map (2.6)"
}

@test "2.6 scratch_container: with --userns, setgroups is denied inside [1]" {
    in_container --userns -- cat /proc/self/setgroups
    expect_status 0 "scratch_container --userns ROOTFS cat /proc/self/setgroups should run"
    expect_eq "/proc/self/setgroups inside" deny "$output" \
        "user_namespaces(7): the setgroups file, written before gid_map (2.6)"
}

@test "2.8 scratch_container: --mount binds a host directory, :ro makes it read-only [2]" {
    local share="$BATS_TEST_TMPDIR/share"
    mkdir "$share" && echo from-host >"$share/hello"
    in_container --mount "$share:/data" -- sh -c 'cat /data/hello; echo from-inside >/data/back'
    expect_status 0 "scratch_container --mount DIR:/data ROOTFS sh -c ... should run"
    expect_eq "/data/hello read inside" from-host "$output" "bind SRC on ROOTFS/DST (2.8)"
    expect_eq "the file written inside, on the host" from-inside "$(cat "$share/back" 2>&1)" \
        "a bind mount shows the same files both ways"
    in_container --mount "$share:/data:ro" -- sh -c 'echo x >/data/ro-test'
    [ "$status" -ne 0 ] && [ ! -e "$share/ro-test" ] ||
        fail_hint "writing to a :ro mount fails" "status $status, file exists: $([ -e "$share/ro-test" ] && echo yes || echo no)" \
            "remount the bind read-only (MS_REMOUNT|MS_BIND|MS_RDONLY)"
}

@test "2.9 scratch_container: the container has its own cgroup namespace [1]" {
    in_container --pids 50 -- cat /proc/self/cgroup
    expect_status 0 "scratch_container ROOTFS cat /proc/self/cgroup should run"
    local other
    other=$(printf '%s\n' "$output" | grep -v ':/$' | tr '\n' ';')
    [ -z "$other" ] && [ -n "$output" ] ||
        fail_hint "every line of /proc/self/cgroup ending in ':/'" "$other" \
            "unshare(CLONE_NEWCGROUP) after the parent moved the child into its cgroup (2.9)"
}

@test "2.14 scratch_container: CMD's exit status comes through (exit 7, SIGKILL -> 137) [2]" {
    in_container -- sh -c 'exit 7'
    expect_status 7 "init returns CMD's exit code (2.14)"
    in_container -- sh -c 'kill -9 $$'
    expect_status 137 "a CMD killed by signal N gives 128+N (2.14)"
}

@test "2.14 scratch_container: SIGTERM to scratch_container reaches CMD [2]" {
    "$SC" "$ROOTFS" sleep 30 >/dev/null 2>&1 3>&- &
    local pid=$! rc start end
    sleep 0.5
    start=$(date +%s)
    kill -TERM "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid"
        wait "$pid"
        fail_hint "scratch_container gone within 5 s of SIGTERM" "still running" \
            "PID 1 ignores signals it has no handler for: forward SIGTERM to CMD (2.14)"
    fi
    wait "$pid" && rc=0 || rc=$?
    end=$(date +%s)
    expect_eq "exit status after SIGTERM" 143 "$rc" "sleep killed by SIGTERM: 128+15 (2.14)"
}

@test "2.14 scratch_container: orphans are reaped by PID 1 [2]" {
    in_container -- sh /kit/orphan.sh
    expect_status 0 "the orphan script should end normally"
    expect_eq "zombies in the container" "zombies=0" "$output" \
        "PID 1 must waitpid(-1) for every child, not only CMD (2.14)"
}

# Every namespace of /proc/self/ns, inside against the test's own: new ones differ, shared ones
# are the same.  SAME lists the names expected to be shared.
ns_compare() {
    local same=$1 n inside host got=
    shift
    in_container "$@" -- sh -c 'for n in pid mnt uts ipc net cgroup user; do
        echo "$n $(readlink /proc/self/ns/$n)"; done'
    expect_status 0 "scratch_container $* ROOTFS sh -c ... should run"
    for n in pid mnt uts ipc net cgroup user; do
        inside=$(printf '%s\n' "$output" | awk -v n="$n" '$1 == n { print $2 }')
        host=$(readlink "/proc/self/ns/$n")
        if [ -z "$inside" ]; then got+="$n:missing "
        elif [ "$inside" = "$host" ]; then got+="$n:same "
        else got+="$n:new "; fi
    done
    local want= n2
    for n2 in pid mnt uts ipc net cgroup user; do
        if [[ " $same " == *" $n2 "* ]]; then want+="$n2:same "; else want+="$n2:new "; fi
    done
    expect_eq "namespaces inside against the host's" "$want" "$got" \
        "clone flags (2.5), the cgroup namespace from the child (2.9)"
}

@test "2.5 scratch_container: every namespace but user is new; --userns makes user new too [3]" {
    ns_compare "user"
    ns_compare "" --userns
}

@test "2.5 scratch_container: --net host shares only the network namespace [1]" {
    ns_compare "net user" --net host
}

# A container that holds must still work: what a shell script does every day.
workload() {
    in_container "$@" -- sh -c '
        echo hello | tr a-z A-Z | grep -q HELLO && echo pipe-ok
        echo x >/dev/null && [ -z "$(cat /dev/null)" ] && echo null-ok
        [ "$(head -c 100 /dev/zero | wc -c)" = 100 ] && echo zero-ok
        [ "$(head -c 32 /dev/urandom | wc -c)" = 32 ] && echo urandom-ok
        echo kit >/tmp/kit-work.$$ && [ "$(cat /tmp/kit-work.$$)" = kit ] && rm /tmp/kit-work.$$ && echo tmp-ok
        sh -c "exit 3"; [ $? = 3 ] && echo fork-exec-ok
        [ "$(echo data >/dev/shm/k && cat /dev/shm/k)" = data ] && echo shm-ok
        /bin/kit-probe | grep -q "^allowed pty OK" && echo pts-ok'
    expect_status 0 "scratch_container $* ROOTFS sh -c WORKLOAD should run"
    expect_eq "the workload's checks inside" \
        "pipe-ok null-ok zero-ok urandom-ok tmp-ok fork-exec-ok shm-ok pts-ok" \
        "$(printf '%s\n' "$output" | tr '\n' ' ' | sed 's/ $//')" \
        "every device node, /dev/shm and a devpts of its own (2.10); a filter that lets ordinary calls through (2.13)"
}

@test "2.10 scratch_container: a normal workload works (pipes, devices, /tmp, fork/exec, a pty) [3]" {
    workload
}

@test "2.10 scratch_container: a normal workload works under --userns too [2]" {
    workload --userns
}

@test "2.13 scratch_container: under the filter, the calls Docker allows still work (an over-strict filter loses) [2]" {
    in_container -- sh -c 'grep "^Seccomp:" /proc/self/status; exec /bin/kit-probe'
    expect_status 0 "the probe should run inside"
    expect_match "Seccomp line inside" "Seccomp:[[:space:]]+2" "$output" \
        "a seccomp filter must be on (2.13) for this check to mean anything"
    local allowed bad
    allowed=$(printf '%s\n' "$output" | awk '$1 == "allowed"' | wc -l)
    bad=$(printf '%s\n' "$output" | awk '$1 == "allowed" && $3 == "EPERM"' | tr '\n' ';')
    [ "$allowed" -ge 8 ] && [ -z "$bad" ] ||
        fail_hint "fork, unshare(0), setns without CLONE_NEWUSER, chroot, socket, personality, getrandom, a pty: none refused" \
            "${bad:-$allowed allowed lines}" "deny only what the list says; clone/unshare/setns only with CLONE_NEWUSER (2.13)"
}

@test "2.10 scratch_container: with --userns --net host, /sys is the host's, read-only [2]" {
    in_container --userns --net host -- sh -c '
        [ -e /sys/class/net/lo ] && echo sys-ok
        awk '"'"'$5 == "/sys" { split($6, o, ","); if (o[1] == "ro") print "sys-ro" }'"'"' /proc/self/mountinfo'
    expect_status 0 "scratch_container --userns --net host ROOTFS should run (sysfs cannot be mounted there)"
    expect_eq "checks inside" "sys-ok sys-ro" "$(echo $output)" \
        "a user namespace that does not own the network namespace may not mount sysfs: bind the host's /sys read-only (2.10)"
}

# Issue: runc's CVE-2024-21626 class.  A directory fd left open by the caller must not reach CMD.
@test "2.14 scratch_container: fds the caller left open (7 and 1500) are not visible inside [2]" {
    local opt
    for opt in "" --userns; do
        run_t "${KIT_TIMEOUT}" bash -c 'ulimit -Sn "$(ulimit -Hn)"; exec 7</ 1500</; exec "$@" 3>&-' _ "$SC" $opt "$ROOTFS" \
            sh -c 'for f in 7 1500; do [ -e /proc/self/fd/$f ] && echo "fd $f open: $(ls /proc/self/fd/$f/ | head -3 | tr "\n" " ")"; done; echo done'
        expect_eq "open fds inside ($opt)" done "$output" \
            "close every fd above 2 before exec (kit_exec_prepare)"
    done
}

# 2.7 on the layout this machine does not have: the student's scratch_cgroup.c against fake
# cgroup v1 and v2 trees (grader/helpers/scratch_cgroup_fake.c), whatever the machine runs.
cgroup_fake() {
    local bin="$BATS_TEST_TMPDIR/scratch_cgroup_fake"
    cc -std=gnu11 -D_GNU_SOURCE -I"$KIT_ROOT/common/include" -I"$KIT_ROOT/task2" -o "$bin" \
        "$BATS_TEST_DIRNAME/helpers/scratch_cgroup_fake.c" "$KIT_ROOT/task2/scratch_cgroup.c" \
        "$KIT_ROOT/common/libkit.a" -lcmocka -lsystemd 2>"$BATS_TEST_TMPDIR/cc.log" ||
        fail_hint "task2/scratch_cgroup.c builds with the fake-tree test" "$(tail -3 "$BATS_TEST_TMPDIR/cc.log")" \
            "keep the functions declared in scratch.h"
    run_t "${KIT_TIMEOUT}" "$bin" "$1"
    [ "$status" -eq 0 ] ||
        fail_hint "the $1 layout's directories, limit files, cgroup.procs and removal" \
            "$(printf '%s\n' "$output" | grep -E 'FAILED|error|!=' | head -4 | tr '\n' ' ')" \
            "$2 (2.7)"
}

@test "2.7 scratch_container: cgroup v2 by hand, on a fake v2 tree [3]" {
    cgroup_fake v2 "v2: one directory; cpu.max 'QUOTA PERIOD', memory.max, memory.swap.max, pids.max, cgroup.procs"
}

@test "2.7 scratch_container: cgroup v1 by hand, on a fake v1 tree [3]" {
    cgroup_fake v1 "v1: a directory per controller hierarchy; cpu.cfs_quota_us/cfs_period_us, memory.limit_in_bytes then memory.memsw.limit_in_bytes, pids.max, cgroup.procs in each"
}
