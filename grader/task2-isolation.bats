#!/usr/bin/env bats
# task2 part 2, continued: what scratch_container's namespaces keep apart and what hardening
# takes away - IPC objects and message queues (2.5, 2.15), a FIFO two containers share through
# a bind mount (2.8), a read-only root (2.16), a non-root user inside (2.17) and a container
# started by an unprivileged user (2.18).  The kernel is the judge: /proc/PID/status,
# mountinfo, uid_map and /proc/PID/root of the running container read from the host, IPC
# objects looked up in each IPC namespace, the host's files afterwards.
load lib/kit
load lib/scratch

# The unprivileged caller of the 2.18 tests: nobody, with a group other than its uid, so that
# a uid written where a gid belongs shows.
RL_UID=65534
RL_GID=100

setup_file() {
    export ROOTFS="$BATS_FILE_TMPDIR/rootfs"
    scratch_make_rootfs "$ROOTFS"
    cc -static -O2 -o "$ROOTFS/bin/kit-ipc" "$BATS_TEST_DIRNAME/helpers/ipc_probe.c" ||
        fail_hint "the IPC probe built" "cc -static failed" "apt-get install libc6-dev"
    mkdir -p "$ROOTFS/kit"
    echo root-only >"$ROOTFS/kit/root-only"
    chmod 0644 "$ROOTFS/kit/root-only"
    # --read-only runs on a copy on a tmpfs of its own, mounted nosuid,nodev: a remount of the
    # filesystem instead of the mount can then only reach this tmpfs, never the machine's
    # root filesystem, and under --userns its flags are locked.
    export RO_ROOTFS="$BATS_FILE_TMPDIR/ro-rootfs"
    mkdir -p "$RO_ROOTFS"
    mount -t tmpfs -o nosuid,nodev,size=64m kit-ro-rootfs "$RO_ROOTFS"
    cp -a "$ROOTFS/." "$RO_ROOTFS/"
    # An unprivileged user must reach the program and a rootfs: the grader's results dir is
    # root's alone (0700), so these live in a world-searchable directory of their own.
    export RL_DIR
    RL_DIR=$(mktemp -d /tmp/kit-rootless.XXXXXX)
    chmod 0755 "$RL_DIR"
    cp -a "$ROOTFS" "$RL_DIR/rootfs"
    chown -R "$RL_UID:$RL_GID" "$RL_DIR/rootfs" # the user's own, as a rootless image is
}

teardown_file() {
    umount "$RO_ROOTFS" 2>/dev/null || umount -l "$RO_ROOTFS" 2>/dev/null || true
    [ -z "${RL_DIR:-}" ] || rm -rf --one-file-system "$RL_DIR"
}

teardown() {
    stop_bg
    [ -z "${host_key:-}" ] || "$ROOTFS/bin/kit-ipc" remove "$host_key" "kit-host-$$"
    rm -f "$RO_ROOTFS/made-inside" "$RO_ROOTFS/etc/made-inside" "$RO_ROOTFS/host-write" 2>/dev/null
    scratch_teardown
}

# start_bg CMD... : a container started in the background; sets bg_pid (the program) and
# init (the container's PID 1: empty if none came within 5 s).
start_bg() {
    "$@" >"$BATS_TEST_TMPDIR/bg.out" 2>&1 3>&- &
    bg_pid=$!
    init=$(container_init_of "$bg_pid")
    [ -n "$init" ] ||
        fail_hint "a container running (its init, the child of scratch_container)" \
            "none; output: $(head -c 400 "$BATS_TEST_TMPDIR/bg.out")" "${bg_hint:-see the output}"
}

# stop_bg : SIGTERM to the background program (its init passes it on), SIGKILL after 5 s.
stop_bg() {
    [ -n "${bg_pid:-}" ] || return 0
    kill -TERM "$bg_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$bg_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$bg_pid" 2>/dev/null || true
    wait "$bg_pid" 2>/dev/null || true
    bg_pid=
}

# wait_until SECONDS CMD... : poll CMD every 0.1 s until it succeeds; 1 if it never does.
wait_until() {
    local tries=$(($1 * 10))
    shift
    for _ in $(seq "$tries"); do
        "$@" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# The first child of the container's init: CMD, once the setup is over.
first_child() { awk '{ print $1 }' "/proc/$init/task/$init/children" 2>/dev/null; }

# wait_for_cmd NAME : wait until CMD runs NAME (its /proc/PID/comm), so the container is set
# up; sets cmd to CMD's PID.
cmd_runs() { local c; c=$(first_child) && [ -n "$c" ] && grep -qx "$1" "/proc/$c/comm"; }
wait_for_cmd() {
    wait_until 10 cmd_runs "$1" || true
    cmd=$(first_child)
    [ -n "$cmd" ] ||
        fail_hint "CMD ($1) running in the container" "none; output: $(head -c 400 "$BATS_TEST_TMPDIR/bg.out")" \
            "${bg_hint:-see the output}"
}

# status_field PID FIELD : the values of FIELD in /proc/PID/status, tabs as spaces.
status_field() {
    awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "/proc/$1/status"
}

# mount_opts PID TARGET : the per-mount options of TARGET in PID's mountinfo (field 6).
mount_opts() {
    awk -v t="$2" '$5 == t { print $6 }' "/proc/$1/mountinfo" | tail -n 1
}

# ipc_find_in PID KEY NAME : the probe's view of the IPC namespace PID is in, on one line.
ipc_find_in() {
    nsenter -t "$1" --ipc "$ROOTFS/bin/kit-ipc" find "$2" "$3" | tr '\n' ' ' | sed 's/ $//'
}

ipc_key() { echo $((0x4b490000 + (RANDOM << 1) + $1)); }

@test "2.5 scratch_container: System V IPC objects and POSIX queues are the container's own, both ways [3]" {
    host_key=$(ipc_key 0)
    local key
    key=$(ipc_key 1)
    "$ROOTFS/bin/kit-ipc" make "$host_key" "kit-host-$$"
    bg_hint="clone with CLONE_NEWIPC (2.5)"
    start_bg "$SC" "$ROOTFS" sh -c "kit-ipc make $key kit-in-$$; : >/dev/shm/ready; exec sleep 30"
    wait_until 5 test -e "/proc/$init/root/dev/shm/ready" || true
    expect_eq "objects made inside, seen from inside" "shm present msg present sem present mq present" \
        "$(ipc_find_in "$init" "$key" "kit-in-$$")" "the command makes them in its IPC namespace"
    expect_eq "objects made inside, seen from the host" "shm absent msg absent sem absent mq absent" \
        "$(ipc_find_in $$ "$key" "kit-in-$$")" \
        "ipc_namespaces(7): a new IPC namespace for the child (clone flags, 2.5)"
    expect_eq "the host's objects, seen from inside" "shm absent msg absent sem absent mq absent" \
        "$(ipc_find_in "$init" "$host_key" "kit-host-$$")" \
        "a container sharing the host's IPC namespace sees (and may remove) the host's objects (2.5)"
}

@test "2.15 scratch_container: /dev/mqueue inside lists the container's own queues, and rm removes one [2]" {
    host_key=$(ipc_key 0)
    local key opt
    key=$(ipc_key 1)
    "$ROOTFS/bin/kit-ipc" make "$host_key" "kit-host-$$"
    for opt in "" --userns; do
        start_bg "$SC" $opt "$ROOTFS" sh -c "kit-ipc make $key kit-q1-$$; kit-ipc make $((key + 2)) kit-q2-$$
            rm /dev/mqueue/kit-q2-$$ 2>/dev/null; : >/dev/shm/ready; exec sleep 30"
        wait_until 5 test -e "/proc/$init/root/dev/shm/ready" || true
        expect_eq "the filesystem on /dev/mqueue inside ($opt)" mqueue \
            "$(awk '$5 == "/dev/mqueue" { split($0, h, " - "); split(h[2], s, " "); print s[1] }' "/proc/$init/mountinfo")" \
            "mount an mqueue filesystem on /dev/mqueue from inside, after the pivot (2.15)"
        expect_match "its mount options ($opt)" "(^|,)nosuid(,|$)" "$(mount_opts "$init" /dev/mqueue)" \
            "nosuid, nodev, noexec: nothing on it is a program or a device (2.15)"
        expect_match "its mount options ($opt)" "nodev.*noexec" "$(mount_opts "$init" /dev/mqueue)" \
            "nosuid, nodev, noexec: nothing on it is a program or a device (2.15)"
        expect_eq "the queues listed in /dev/mqueue inside ($opt)" "kit-q1-$$" \
            "$(ls "/proc/$init/root/dev/mqueue" 2>&1 | tr '\n' ' ' | sed 's/ $//')" \
            "a mount made from inside shows that IPC namespace's queues; rm on it is mq_unlink (2.15)"
        expect_eq "the removed queue, looked up in the container's IPC namespace ($opt)" absent \
            "$(ipc_find_in "$init" "$((key + 2))" "kit-q2-$$" | sed 's/.*mq //')" \
            "rm /dev/mqueue/NAME removes the queue: the mount must be writable (2.15)"
        stop_bg
    done
}

@test "2.8 scratch_container: two containers talk through a FIFO on a shared --mount, from IPC namespaces of their own [2]" {
    local share="$BATS_TEST_TMPDIR/share" token="kit-fifo-$$-$RANDOM"
    mkdir -m 0777 "$share"
    mkfifo -m 0666 "$share/pipe"
    # The reader waits in open(2) until the writer opens the other end (fifo(7)).
    "$SC" --mount "$share:/share" "$ROOTFS" sh -c \
        'read -r line </share/pipe && echo "$line $(readlink /proc/self/ns/ipc)" >/share/got' \
        >"$BATS_TEST_TMPDIR/bg.out" 2>&1 3>&- &
    bg_pid=$!
    in_container --mount "$share:/share" -- sh -c "echo $token \$(readlink /proc/self/ns/ipc) >/share/pipe"
    expect_status 0 "the writer: scratch_container --mount DIR:/share ROOTFS sh -c 'echo ... >/share/pipe'"
    wait_until 10 test -s "$share/got" || true
    stop_bg
    local got a b
    got=$(cat "$share/got" 2>/dev/null)
    expect_eq "the token the reader got" "$token" "${got%% *}" \
        "both containers bind the same host directory (2.8); a FIFO is a file, not an IPC object: no namespace separates it"
    read -r _ a b <<<"$got"
    [ -n "$a" ] && [ "$a" != "$b" ] && [ "$a" != "$(readlink /proc/self/ns/ipc)" ] ||
        fail_hint "two IPC namespaces, neither the host's" "writer '$a', reader '$b'" "CLONE_NEWIPC (2.5)"
}

@test "2.16 scratch_container --read-only: the container's / is a read-only mount, and writing there fails [2]" {
    start_bg "$SC" --read-only "$RO_ROOTFS" sh -c \
        'touch /made-inside 2>/dev/null; echo x 2>/dev/null >/etc/made-inside; : >/dev/shm/tried; exec sleep 30'
    wait_until 5 test -e "/proc/$init/root/dev/shm/tried" || true
    expect_match "the options of the mount on / inside" "^ro(,|$)" "$(mount_opts "$init" /)" \
        "remount the container's root mount read-only after the pivot (2.16)"
    stop_bg
    local made
    made=$(cd "$RO_ROOTFS" && ls -d made-inside etc/made-inside 2>/dev/null | tr '\n' ' ')
    expect_eq "files the container wrote into ROOTFS" "" "$made" \
        "a write below a read-only mount fails with EROFS (2.16)"
}

@test "2.16 scratch_container --read-only: only that mount: /dev/shm and a --mount stay writable, and the host's ROOTFS too [2]" {
    local share="$BATS_TEST_TMPDIR/share"
    mkdir -m 0777 "$share"
    start_bg "$SC" --read-only --mount "$share:/data" "$RO_ROOTFS" sh -c \
        'echo shm >/dev/shm/w && cat /dev/shm/w >/data/shm-ok; echo rw >/data/rw-ok; exec sleep 30'
    wait_until 5 test -e "$share/rw-ok" || true
    expect_match "the options of the mount on / inside" "^ro(,|$)" "$(mount_opts "$init" /)" \
        "remount the container's root mount read-only (2.16)"
    local host_ok=no
    touch "$RO_ROOTFS/host-write" 2>/dev/null && host_ok=yes
    local super
    super=$(awk -v t="$RO_ROOTFS" '$5 == t { split($0, h, " - "); split(h[2], s, " "); print s[3] }' /proc/self/mountinfo)
    stop_bg
    expect_eq "what the container wrote to /dev/shm and to the --mount" "shm rw" \
        "$(cat "$share/shm-ok" "$share/rw-ok" 2>/dev/null | tr '\n' ' ' | sed 's/ $//')" \
        "read-only is for the root mount alone, not the mounts below it (no AT_RECURSIVE) (2.16)"
    expect_eq "the host writing into ROOTFS while the container runs" yes "$host_ok" \
        "MS_BIND with MS_REMOUNT: without it the remount makes the whole filesystem read-only, the host's view too (2.16)"
    expect_match "the filesystem's own options (mountinfo, after ' - ')" "^rw(,|$)" "$super" \
        "remount the mount, never the superblock (2.16)"
}

@test "2.16 scratch_container --read-only --userns: read-only too, on a nosuid,nodev filesystem [1]" {
    start_bg "$SC" --read-only --userns "$RO_ROOTFS" sleep 30
    wait_for_cmd sleep
    local opts
    opts=$(mount_opts "$init" /)
    expect_match "the options of the mount on / inside" "^ro,nosuid,nodev" "$opts" \
        "under a user namespace the mount's flags are locked: a remount must repeat nosuid and nodev (2.8, 2.16)"
}

@test "2.17 scratch_container --user 1000:1001: CMD runs as that user and group, real, effective and saved, with no group of root's [2]" {
    # Started by a root that has supplementary groups, as a login shell of root's often has.
    start_bg setpriv --groups=0,4 "$SC" --user 1000:1001 "$ROOTFS" sleep 30
    wait_for_cmd sleep
    expect_eq "Uid of CMD (real, effective, saved, fs)" "1000 1000 1000 1000" "$(status_field "$cmd" Uid)" \
        "setresuid(2): all three, so no saved 0 can bring root back (2.17)"
    expect_eq "Gid of CMD" "1001 1001 1001 1001" "$(status_field "$cmd" Gid)" \
        "setresgid(2), before the uid: after it, CAP_SETGID is gone (2.17)"
    local groups
    groups=$(status_field "$cmd" Groups | tr ' ' '\n' | grep -v -x -e '' -e 1001 | tr '\n' ' ')
    expect_eq "supplementary groups of CMD other than 1001" "" "$groups" \
        "root's groups are inherited until replaced: setgroups(2) (2.17)"
}

@test "2.17 scratch_container --user: no capabilities are left, and root's files stay root's [2]" {
    start_bg "$SC" --user 1000:1000 "$ROOTFS" sh -c 'echo changed 2>/dev/null >>/kit/root-only; exec sleep 30'
    wait_for_cmd sleep
    local f
    for f in CapPrm CapEff CapAmb; do
        expect_eq "$f of CMD" 0000000000000000 "$(status_field "$cmd" "$f")" \
            "capabilities(7): real, effective and saved uid all leaving 0 clears them; a change of the effective uid alone does not (2.17)"
    done
    stop_bg
    expect_eq "/kit/root-only (root's, mode 0644) after CMD tried to append" root-only "$(cat "$ROOTFS/kit/root-only")" \
        "CMD must run as the user, without CAP_DAC_OVERRIDE (2.17)"
}

@test "2.17 scratch_container --userns --user 1000: the ids are the container's (host uid 101000) [1]" {
    local share="$BATS_TEST_TMPDIR/share"
    mkdir -m 0777 "$share"
    start_bg "$SC" --userns=100000-165535 --user 1000 --mount "$share:/data" "$ROOTFS" \
        sh -c 'touch /data/mine; exec sleep 30'
    wait_for_cmd sleep
    expect_eq "Uid of CMD, seen from the host" "101000 101000 101000 101000" "$(status_field "$cmd" Uid 2>&1)" \
        "container uid 1000 is host uid 101000 through the map (2.6); under --userns setgroups(2) is denied: do not call it (2.17)"
    expect_eq "owner of the file CMD made on the --mount" 101000:101000 "$(stat -c %u:%g "$share/mine" 2>&1)" \
        "--user 1000 means gid 1000 too (2.17)"
}

# The prefix that runs a command as the unprivileged RL_UID:RL_GID, with no supplementary group
# (setpriv execs it: the command keeps setpriv's PID).
AS_USER=(setpriv --reuid="$RL_UID" --regid="$RL_GID" --clear-groups)

# The program where the unprivileged user can run it (the kit's copy may be in a 0700 dir).
rootless_sc() {
    require_built "$SC" "(task2: make scratch_container)"
    cp "$SC" "$RL_DIR/scratch_container"
    chmod 0755 "$RL_DIR/scratch_container"
    bg_hint="the parent writes the child's uid_map, setgroups and gid_map for an unprivileged caller (2.18)"
}

# ns_ioctl FILE OWNER|PARENT : the owner uid of a user namespace, or the inode of its parent
# (ioctl_ns(2): NS_GET_OWNER_UID, NS_GET_PARENT).
ns_ioctl() {
    python3 - "$1" "$2" <<'EOF'
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
if sys.argv[2] == "OWNER":
    buf = bytearray(4)
    fcntl.ioctl(fd, 0xB704, buf)
    print(struct.unpack("I", buf)[0])
else:
    print(os.fstat(fcntl.ioctl(fd, 0xB702)).st_ino)
EOF
}

@test "2.18 scratch_container --rootless, run by an unprivileged user: container root is the caller's uid and gid [3]" {
    rootless_sc
    start_bg "${AS_USER[@]}" "$RL_DIR/scratch_container" --rootless "$RL_DIR/rootfs" sleep 30
    wait_for_cmd sleep
    expect_eq "the container's uid_map, from the host" "0 $RL_UID 1" "$(echo $(cat "/proc/$init/uid_map"))" \
        "one line, length 1: container 0 is the caller's effective uid (2.18)"
    expect_eq "its gid_map" "0 $RL_GID 1" "$(echo $(cat "/proc/$init/gid_map"))" \
        "the caller's effective gid, not its uid (2.18)"
    expect_eq "its setgroups" deny "$(cat "/proc/$init/setgroups")" \
        "user_namespaces(7): an unprivileged writer must deny setgroups before gid_map (2.18)"
    expect_eq "the Uid of the container's init, seen from the host" "$RL_UID $RL_UID $RL_UID $RL_UID" \
        "$(status_field "$init" Uid)" "root inside is the caller outside (2.18, 2.9)"
}

@test "2.18 scratch_container --rootless: root inside mounts its own proc and sysfs, and its user namespace is the caller's [2]" {
    rootless_sc
    start_bg "${AS_USER[@]}" "$RL_DIR/scratch_container" --rootless "$RL_DIR/rootfs" sleep 30
    wait_for_cmd sleep
    local fs
    fs=$(awk '$5 == "/proc" || $5 == "/sys" { split($0, h, " - "); split(h[2], s, " "); print $5 "=" s[1] }' \
        "/proc/$init/mountinfo" | tr '\n' ' ')
    expect_eq "filesystems on /proc and /sys inside" "/proc=proc /sys=sysfs " "$fs" \
        "an unprivileged user may mount proc for a PID namespace, sysfs for a network namespace, its user namespace owns (2.18)"
    expect_eq "owner of the container's user namespace" "$RL_UID" "$(ns_ioctl "/proc/$init/ns/user" OWNER 2>&1)" \
        "the caller creates it: its capabilities count only inside (2.18)"
    expect_eq "its parent user namespace" "$(stat -L -c %i /proc/self/ns/user)" \
        "$(ns_ioctl "/proc/$init/ns/user" PARENT 2>&1)" "a child of the host's user namespace (2.5)"
    # No cgroup of its own (kit: an unprivileged user may make none): it stays in its caller's.
    expect_eq "the rootless container's cgroups" "$(cat /proc/self/cgroup)" "$(cat "/proc/$init/cgroup")" \
        "kit: setup_cgroup"
}

@test "2.18 scratch_container --rootless: root inside cannot change the host's files [2]" {
    rootless_sc
    local share="$RL_DIR/share-$BATS_TEST_NUMBER"
    mkdir -p "$share/mine"
    echo host >"$share/host-file"
    chmod 0755 "$share"
    chmod 0644 "$share/host-file"
    chown "$RL_UID:$RL_GID" "$share/mine"
    run_t "$KIT_TIMEOUT" "${AS_USER[@]}" "$RL_DIR/scratch_container" --rootless --mount "$share:/data" \
        "$RL_DIR/rootfs" sh -c 'echo inside >>/data/host-file; rm -f /data/host-file
            mknod /data/mine/null c 1 3; touch /data/mine/made; exit 0'
    expect_status 0 "as $RL_UID: scratch_container --rootless --mount DIR:/data ROOTFS sh -c ..."
    expect_eq "the host's file (root's, 0644) afterwards" host "$(cat "$share/host-file" 2>&1)" \
        "root inside has no capability over files of ids it does not map (2.18)"
    expect_eq "owner of the file root made inside, on the host" "$RL_UID:$RL_GID" \
        "$(stat -c %u:%g "$share/mine/made" 2>&1)" "container root is the caller (2.18)"
    [ ! -e "$share/mine/null" ] ||
        fail_hint "no device node made" "$(ls -l "$share/mine/null")" \
            "mknod(2) of a device needs CAP_MKNOD in the initial user namespace"
    rm -rf "$share"
}

@test "task2-isolation: bad --user, --rootless with limits, and root's options without root are refused, changing nothing" {
    local bad
    for bad in "--user x" "--user 1000:" "--user -1" "--user 4294967295" "--rootless --memory 64m" \
        "--rootless --userns" "--rootless --user 1000" "--userns=100000-100999 --user 1000"; do
        run_t 10 "$SC" $bad "$ROOTFS" true
        expect_eq "exit status of scratch_container $bad" 2 "$status" "kit: scratch_options.c"
    done
    rootless_sc
    run_t 10 "${AS_USER[@]}" "$RL_DIR/scratch_container" "$RL_DIR/rootfs" true
    expect_eq "exit status without --rootless, as $RL_UID" 2 "$status" "kit: main"
    expect_match "its message" "root.*--rootless" "$output" "kit: main"
}
