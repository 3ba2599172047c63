#!/usr/bin/env bats
# task2 part 2: scratch_container, a complete container from primitives.
# Every test runs the program on a busybox rootfs built once for this file, looks at what a
# person could observe from inside (/proc/self/status, PIDs, mounts, files) or outside (host
# hostname, file owners, exit status), and checks afterwards that no mount or cgroup is left.
load lib/kit

SC="$KIT_ROOT/task2/scratch_container"
DEFAULT_CAPS="0 1 3 4 5 6 7 8 10 13 18 27 29 31" # Docker's: chown dac_override fowner fsetid
# kill setgid setuid setpcap net_bind_service net_raw sys_chroot mknod audit_write setfcap

setup_file() {
    export ROOTFS="$BATS_FILE_TMPDIR/rootfs"
    "$KIT_ROOT/common/tools/kit-mkrootfs" busybox "$ROOTFS" ||
        fail_hint "a busybox rootfs" "kit-mkrootfs failed" "run 'make' in common/ first"
    cc -static -O2 -o "$ROOTFS/bin/kit-probe" "$BATS_TEST_DIRNAME/helpers/syscall_probe.c" ||
        fail_hint "the syscall probe built" "cc -static failed" "apt-get install libc6-dev"
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

# The cgroup directories below the cgroups this test runs in, one per line.  Hierarchies where
# we sit at the root are skipped: there, other programs on the machine make and remove groups
# all the time (the grader puts each suite in a cgroup of its own, so nothing is skipped there).
own_cgroup_dirs() {
    local _n ctrls path mnt
    while IFS=: read -r _n ctrls path; do
        [ "$path" != / ] || continue
        mnt=$(awk -v want="$ctrls" '{
                split($0, halves, " - "); split(halves[1], f, " "); split(halves[2], s, " ")
                if (want == "" && s[1] == "cgroup2") { print f[5]; exit }
                if (want != "" && s[1] == "cgroup") {
                    n = split(want, w, ","); hit = 0
                    for (i = 1; i <= n; i++) if (("," s[3] ",") ~ ("," w[i] ",")) hit++
                    if (hit == n) { print f[5]; exit }
                } }' /proc/self/mountinfo)
        [ -n "$mnt" ] && [ -d "$mnt$path" ] && find "$mnt$path" -mindepth 1 -type d 2>/dev/null
    done </proc/self/cgroup | sort -u
}

setup() {
    require_built "$SC" "(task2: make scratch_container)"
    mounts_before=$(wc -l </proc/self/mountinfo)
    own_cgroup_dirs >"$BATS_TEST_TMPDIR/cgroups.before"
}

# Nothing left behind: no mount in our namespace, no cgroup below ours.
teardown() {
    local mounts_after left
    mounts_after=$(wc -l </proc/self/mountinfo)
    [ "$mounts_after" -eq "$mounts_before" ] ||
        fail_hint "$mounts_before mounts after the test" "$mounts_after" \
            "a mount escaped the container: did the child make / private before mounting?"
    sleep 0.1
    left=$(own_cgroup_dirs | comm -13 "$BATS_TEST_TMPDIR/cgroups.before" - | tr '\n' ' ')
    if [ -n "$left" ]; then # give a group being removed right now a moment
        sleep 0.5
        left=$(own_cgroup_dirs | comm -13 "$BATS_TEST_TMPDIR/cgroups.before" - | tr '\n' ' ')
    fi
    [ -z "$left" ] ||
        fail_hint "no cgroup left after scratch_container exits" "$left" \
            "remove the container's cgroup when it ends (kit_cgroup_destroy), also after errors"
}

# in_container [OPTIONS...] -- CMD... : run scratch_container on the test rootfs.
in_container() {
    local opts=()
    while [ "$1" != "--" ]; do opts+=("$1"); shift; done
    shift
    run_t "${KIT_TIMEOUT}" "$SC" "${opts[@]}" "$ROOTFS" "$@"
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
        { touch /sys/kit-test; } 2>/dev/null || echo sys-ro
        { echo kit >/proc/sys/kernel/hostname; } 2>/dev/null || echo proc-sys-ro
        { echo kit >/proc/sysrq-trigger; } 2>/dev/null || echo sysrq-ro
        [ -z "$(cat /proc/keys /proc/timer_list 2>/dev/null)" ] && echo masked
        [ -z "$(ls /sys/firmware)" ] && echo firmware-masked'
    expect_status 0 "scratch_container ROOTFS sh -c ... should run"
    expect_eq "checks passed inside" \
        "devnull-ok dev-ok sys-ro proc-sys-ro sysrq-ro masked firmware-masked" \
        "$(printf '%s\n' "$output" | tr '\n' ' ' | sed 's/ $//')" \
        "kit_mount_proc/sys/dev before pivot_root, kit_mask_proc_and_sys after it (2.10)"
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
    bad=$(printf '%s\n' "$output" | awk '$1 != "getpid" && $2 != "EPERM"' | tr '\n' ';')
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

@test "2.7 scratch_container: --cpus 0.5 holds two busy loops near half a core [3]" {
    in_container --cpus 0.5 -- sh /kit/spin.sh
    expect_status 0 "the spin script should end normally"
    local ticks cores
    ticks=$(line_of ticks=)
    cores=$(awk -v t="${ticks:-0}" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz / 3 }')
    expect_near "cores used by two busy loops over 3 s" 0.5 0.15 "$cores" \
        "kit_cgroup_set_cpu(cg, 50000, 100000) for --cpus 0.5 (2.7)"
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
