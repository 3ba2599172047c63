#!/usr/bin/env bats
# task2, part 1: simple_container - chroot (2a), PID + UTS namespaces (2b), a CPU cgroup (2c).
load lib/kit
load lib/cgroupfs
load lib/ns-trace

setup_file() {
    ns_trace_build
}

SC="$KIT_ROOT/task2/simple_container"
PROG="$KIT_ROOT/task2/container_prog"

setup() {
    require_built "$SC"
    require_built "$PROG"
    ROOT="$BATS_TEST_TMPDIR/root"
}

teardown() {
    [ -n "${bg_pid:-}" ] && kill -9 "$bg_pid" 2>/dev/null
    remove_parent_cgroup
    return 0
}

# The names container_prog listed between "Files/Directories in root directory:" and the
# next separator line, one per line, sorted.
listed_names() {
    awk '/^Files\/Directories in root directory:/ { on = 1; next }
         on && /^_ _ _/ { exit }
         on { print }' <<<"$output" | LC_ALL=C sort
}

# ---- a parent cgroup of the test's own, to count CPU time from the outside ---------------
#
# make_parent_cgroup makes kit-t2-PID below the test's cgroup: in every v1 hierarchy holding
# cpu, cpuacct, memory or pids, or in the v2 tree.  "${in_parent[@]}" CMD... then runs CMD
# in it, so every group simple_container creates (below its caller's) lands below ours: the CPU
# the container uses is counted in our group's accounting whatever the program prints, and
# what it leaves behind is easy to find.  On v2 a group holding processes cannot hand
# controllers to children, so there the program runs in PARENT/run and creates its groups in
# PARENT/box (KIT_CGROUP_PARENT, which kit/cgroup.h honours).
PARENT_DIRS=()
PARENT_PROCS=""
PARENT_USAGE=""   # file with the parent's CPU time: cpuacct.usage (ns) or cpu.stat (usec)
PARENT_CPU=""     # where the container's group shows up in the hierarchy holding cpu
PARENT_V2_BOX=""  # v2: KIT_CGROUP_PARENT for the program
CPU_MNT="" CPU_ID="" # the hierarchy holding cpu: its mount, its id in /proc/PID/cgroup

make_parent_cgroup() {
    local name="kit-t2-$$-${BATS_TEST_NUMBER:-0}" id ctrls path mnt dir v2_path=""
    while IFS=: read -r id ctrls path; do
        if [ "$id" = 0 ]; then
            v2_path=$path
            continue
        fi
        case ",$ctrls," in *,cpu,* | *,cpuacct,* | *,memory,* | *,pids,*) ;; *) continue ;; esac
        mnt=$(cgroup1_mount "$ctrls")
        [ -n "$mnt" ] || continue
        dir=$mnt${path%/}/$name
        mkdir -p "$dir" || return 1
        PARENT_DIRS+=("$dir")
        PARENT_PROCS+=" $dir/cgroup.procs"
        case ",$ctrls," in *,cpuacct,*) PARENT_USAGE=$dir/cpuacct.usage ;; esac
        case ",$ctrls," in *,cpu,*) PARENT_CPU=$dir CPU_MNT=$mnt CPU_ID=$id ;; esac
    done </proc/self/cgroup
    if [ -z "$PARENT_CPU" ]; then
        # No v1 cpu controller: cgroup v2 (pure, or hybrid with cpu on v2).
        mnt=$(cgroup2_mount)
        [ -n "$mnt" ] && [ -n "$v2_path" ] ||
            { fail_hint "a cgroup hierarchy with the cpu controller" "none" "is cgroupfs mounted?"; return 1; }
        local base=${KIT_CGROUP_PARENT:-$v2_path}
        dir=$mnt${base%/}/$name
        mkdir -p "$dir/run" "$dir/box" || return 1
        PARENT_DIRS+=("$dir")
        PARENT_PROCS=" $dir/run/cgroup.procs"
        PARENT_USAGE=$dir/cpu.stat
        PARENT_CPU=$dir/box CPU_MNT=$mnt CPU_ID=0
        PARENT_V2_BOX=${base%/}/$name/box
    fi
    [ -n "$PARENT_USAGE" ] ||
        fail_hint "a cgroup hierarchy that accounts CPU time (cpuacct or v2)" "none" "mount cpuacct"
    # A large CPU weight, so that other work on the machine does not blur the measurement (the
    # weight decides how a busy CPU is shared; a quota below it still caps).
    local d
    for d in "${PARENT_DIRS[@]}"; do
        [ -f "$d/cpu.shares" ] && echo 10240 >"$d/cpu.shares"
        [ -f "$d/cpu.weight" ] && echo 1000 >"$d/cpu.weight"
    done
    return 0
}

# CPU time used in the parent group so far, in microseconds.
parent_usage_us() {
    case $PARENT_USAGE in
    *cpuacct.usage) echo $(($(cat "$PARENT_USAGE") / 1000)) ;;
    *) awk '$1 == "usage_usec" { print $2 }' "$PARENT_USAGE" ;;
    esac
}

# Groups left below the parent (the v2 run/box scaffolding is ours, not a leftover).
groups_left() {
    local d
    for d in "${PARENT_DIRS[@]}"; do
        find "$d" -mindepth 1 -type d ! -path "$d/run" ! -path "$d/box"
    done
}

remove_parent_cgroup() {
    local d pids
    for d in "${PARENT_DIRS[@]}"; do
        # Killed processes stay in their group until they are gone: on a busy machine that
        # takes a moment, and rmdir says EBUSY meanwhile.  Retry for up to 5 s.
        for _ in $(seq 50); do
            pids=$(find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null)
            [ -n "$pids" ] && kill -9 $pids 2>/dev/null
            find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
            [ -d "$d" ] || break
            sleep 0.1
        done
        [ -d "$d" ] && echo "teardown: could not remove the test's cgroup $d" >&2
    done
    PARENT_DIRS=()
    return 0
}

# in_parent: the command prefix that runs a command as a member of the parent group
# (KIT_CGROUP_PARENT tells the kit where to make groups on v2): "${in_parent[@]}" CMD...
in_parent_prefix() {
    in_parent=(env KIT_PROCS="$PARENT_PROCS" ${PARENT_V2_BOX:+KIT_CGROUP_PARENT="$PARENT_V2_BOX"}
        bash -c 'for f in $KIT_PROCS; do echo $$ >"$f" || exit 125; done; exec "$@"' _)
}

# share = CPU time / wall time, as a decimal.
share() { awk -v u="$used_us" -v w="$wall_ms" 'BEGIN { printf "%.2f", (w > 0 ? u / 1000 / w : 0) }'; }

# ---- watching the container through the kernel -----------------------------------------------
#
# observe SECS CMD... runs CMD in the background and, while it runs, samples every process
# below it that runs container_prog, through /proc (never through what anything prints):
#   seen_nspid   its NSpid line (its PID in each PID namespace, outermost first)
#   seen_own_pidns / seen_own_utsns   "yes" if it shares the grader's PID / UTS namespace
#   seen_host    the hostname of its UTS namespace (last sample)
#   with WATCH_CPU set (make_parent_cgroup's PARENT_CPU): seen_group, the group below it that
#   holds the container, seen_quota "QUOTA PERIOD" from its cpu.max or cpu.cfs_quota_us +
#   cpu.cfs_period_us, seen_periods / seen_throttled from its cpu.stat (last sample)
# Afterwards $output and $status are CMD's, $wall_ms its wall time.
# On a busy machine every fork costs: the sampler reads /proc with bash builtins only (the
# kernel's children lists, not pgrep; `-ef` compares namespace inodes), nsenter aside.

# descendants PID : every process below PID, into the array `found`.
descendants() {
    local f more child
    for f in /proc/"$1"/task/*/children; do
        more=()
        read -r -a more <"$f" 2>/dev/null || true # (no newline at the end: read says 1)
        for child in "${more[@]}"; do
            found+=("$child")
            descendants "$child"
        done
    done
}

# first_word FILE : the first line's first word of FILE, into `word` (empty if unreadable).
read_word() {
    word=""
    read -r word _ <"$1" 2>/dev/null || true
}

sample_cpu_group() {
    local pid=$1 id ctrls path g quota period key value
    while IFS=: read -r id ctrls path; do
        [ "$id" = "$CPU_ID" ] && break
    done <"/proc/$pid/cgroup" 2>/dev/null || return 0
    [ "$id" = "$CPU_ID" ] || return 0
    g=$CPU_MNT$path
    [[ $g == "$WATCH_CPU"/?* ]] || return 0
    if [ -f "$g/cpu.max" ]; then
        read -r quota period <"$g/cpu.max" 2>/dev/null || return 0
    else
        read -r quota <"$g/cpu.cfs_quota_us" 2>/dev/null || return 0
        read -r period <"$g/cpu.cfs_period_us" 2>/dev/null || return 0
    fi
    seen_group=$g seen_quota="$quota $period"
    while read -r key value; do
        case $key in
        nr_periods) seen_periods=$value ;;
        nr_throttled) seen_throttled=$value ;;
        esac
    done <"$g/cpu.stat" 2>/dev/null || true
}

sample_container() {
    local pid=$1 key rest v
    while read -r key rest; do
        [ "$key" = NSpid: ] && seen_nspid=$rest
    done <"/proc/$pid/status" 2>/dev/null || true
    [ /proc/"$pid"/ns/pid -ef /proc/$$/ns/pid ] && seen_own_pidns=yes
    [ /proc/"$pid"/ns/uts -ef /proc/$$/ns/uts ] && seen_own_utsns=yes
    if [ -n "${WATCH_HOST:-}" ]; then
        v=$(nsenter -t "$pid" -u hostname 2>/dev/null || true)
        [ -n "$v" ] && seen_host=$v
    fi
    if [ -n "${WATCH_CPU:-}" ]; then sample_cpu_group "$pid"; fi
    return 0
}

observe() {
    local secs=$1 out="$BATS_TEST_TMPDIR/observed.out" start p word found
    shift
    seen_nspid="" seen_own_pidns="" seen_own_utsns="" seen_host=""
    seen_group="" seen_quota="" seen_periods="" seen_throttled=""
    start=$(date +%s%N)
    timeout --kill-after=3 "$secs" "$@" >"$out" 2>&1 3>&- &
    bg_pid=$!
    while kill -0 "$bg_pid" 2>/dev/null; do
        found=()
        descendants "$bg_pid"
        for p in "${found[@]}"; do
            read_word "/proc/$p/comm"
            [ "$word" = container_prog ] && sample_container "$p"
        done
        sleep 0.05
    done
    status=0
    wait "$bg_pid" || status=$?
    bg_pid=""
    wall_ms=$((($(date +%s%N) - start) / 1000000))
    output=$(cat "$out")
}

# written_by_container LOG TEXT : the line TEXT was written (ns_trace LOG) by a process started
# for the container, not by simple_container itself.
written_by_container() {
    local w
    w=$(ns_trace_writer "$1" "$2")
    [ -n "$w" ] && [ "$(ns_trace_field hostpid "$w")" != "$(ns_trace_main "$1")" ] ||
        fail_hint "'$2' written by container_prog, a process started for the container" \
            "${w:-no such line written}" "start /container_prog in the new root; do not print for it"
}

# The last field of seen_nspid: the container's PID in its own PID namespace.
own_pid() { awk '{ print $NF }' <<<"$seen_nspid"; }

# ---- 2a: chroot -----------------------------------------------------------------------------

@test "2.1 simple_container 2a: the program sees only ROOT's files [3]" {
    local log="$BATS_TEST_TMPDIR/trace"
    run_t 30 "$NS_TRACE" "$log" "$SC" 2a "$ROOT"
    expect_status 0 "simple_container 2a should run /container_prog inside ROOT and exit 0"
    # The kernel's word on who wrote the listing: a process of its own, not simple_container.
    written_by_container "$log" "Files/Directories in root directory:"
    local seen want
    seen=$(listed_names)
    want=$(LC_ALL=C ls -A "$ROOT" | LC_ALL=C sort)
    [ -n "$want" ] || fail_hint "ROOT filled" "ROOT is empty" "copy container_prog into ROOT first"
    expect_eq "the entries container_prog lists in /" "$(echo $want)" "$(echo $seen)" \
        "after chroot the process's / is ROOT: it must list exactly 'ls -A ROOT'"
    local host_dir
    for host_dir in etc home proc usr; do
        if grep -qx "$host_dir" <<<"$seen"; then
            fail_hint "no host directory in the listing" "/$host_dir" "the chroot did not happen"
        fi
    done
}

@test "2.1 simple_container 2a: the working directory is inside the new root [2]" {
    # Started from elsewhere, so a working directory left behind would be outside ROOT.
    mkdir -p "$BATS_TEST_TMPDIR/elsewhere"
    cd "$BATS_TEST_TMPDIR/elsewhere"
    local log="$BATS_TEST_TMPDIR/trace"
    run_t 30 "$NS_TRACE" "$log" "$SC" 2a "$ROOT"
    expect_status 0 "simple_container 2a should run /container_prog inside ROOT and exit 0"
    written_by_container "$log" "Working directory: /"
    # container_prog prints what getcwd(2) answers: the kernel calls a directory outside the
    # process's root unreachable.
    expect_eq "the container's working directory" "/" "$(line_of 'Working directory: ')" \
        "chroot(2) changes the root, not the working directory: see what its man page says to do"
}

@test "2.1 simple_container 2a: a descriptor the caller left open does not reach the container [1]" {
    # A shell's `exec 7</` left open: through it a process in any root could walk the host's /.
    local log="$BATS_TEST_TMPDIR/trace"
    run_t 30 bash -c 'exec 7</ 8>/dev/null; exec "$@"' _ "$NS_TRACE" "$log" "$SC" 2a "$ROOT"
    expect_status 0 "simple_container 2a should run /container_prog inside ROOT and exit 0"
    written_by_container "$log" "Open descriptors: 0 1 2"
    expect_eq "the descriptors open in container_prog (fcntl F_GETFD)" "0 1 2" \
        "$(line_of 'Open descriptors: ')" \
        "descriptors survive execve unless close-on-exec: kit_exec_prepare() before the exec closes the caller's"
}
@test "2.4 simple_container 2a: ROOT gets container_prog and every library it needs [3]" {
    run_t 30 "$SC" 2a "$ROOT"
    [ -f "$ROOT/container_prog" ] ||
        fail_hint "ROOT/container_prog" "missing" "copy container_prog into ROOT"
    local lib missing=""
    # What the dynamic loader itself would load: the interpreter and every library, by path.
    for lib in $(ldd "$PROG" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
        [ -f "$ROOT$lib" ] || missing+=" $lib"
    done
    [ -z "$missing" ] || fail_hint "each library of 'ldd container_prog' in ROOT at the same path" \
        "missing:$missing" "read PT_INTERP and the DT_NEEDED entries (recursively), find each in the library directories, copy it to ROOT + its path"
    expect_status 0 "with its libraries in ROOT, /container_prog should start inside the chroot"
    [ -n "$(line_of 'Process PID: ')" ] ||
        fail_hint "a 'Process PID:' line" "${output:0:300}" "container_prog did not run"
}

# ---- 2b: PID and UTS namespaces -------------------------------------------------------------

@test "2.2 simple_container 2b: the container is PID 1 and its child PID 2 [3]" {
    local log="$BATS_TEST_TMPDIR/trace" w
    observe 60 "$NS_TRACE" "$log" "$SC" 2b "$ROOT"
    expect_status 0 "simple_container 2b should exit 0; see the error it printed"
    # The kernel's word, twice: the process that wrote "Process PID: 1" as the tracer saw it at
    # its write(2), and the process running container_prog as /proc shows it from here.
    w=$(ns_trace_writer "$log" "Process PID: 1")
    [ -n "$w" ] || fail_hint "a process writing 'Process PID: 1'" "none (output: ${output:0:200})" \
        "the container must be the first process of a new PID namespace"
    expect_eq "the writer's PID in its own PID namespace ($w)" 1 "$(ns_trace_field nspid "$w")" \
        "a line is believed only from a process that really is PID 1"
    [ "$(ns_trace_field pidns "$w")" != "$(stat -Lc %i /proc/$$/ns/pid)" ] ||
        fail_hint "the writer in a PID namespace of its own" "the grader's" "which clone flag makes one?"
    [ -n "$seen_nspid" ] || fail_hint "a container_prog process below simple_container while it ran" \
        "none" "start the container with clone(2) and let it exec /container_prog"
    expect_eq "the container's PID in its own PID namespace (NSpid: $seen_nspid)" 1 "$(own_pid)" \
        "the first process of a new PID namespace is its PID 1 (pid_namespaces(7))"
    [ -z "$seen_own_pidns" ] ||
        fail_hint "a PID namespace of its own" "the grader's" "which clone flag makes one?"
    expect_eq "Process PID inside" 1 "$(line_of 'Process PID: ')" \
        "container_prog reports getpid(): it must run as the namespace's first process"
    expect_eq "Child Process PID inside" 2 "$(line_of 'Child Process PID: ')" \
        "the container's first fork is the second process of its PID namespace"
}

@test "2.2 simple_container 2b: the hostname changes inside, not on the host [3]" {
    # The "host" is a UTS namespace of this test's own with a name no earlier test can have
    # changed: its name before the run is known, whatever happened to the grader's host.
    local ref="kit-t2-$$-$RANDOM"
    WATCH_HOST=yes
    local log="$BATS_TEST_TMPDIR/trace" w
    observe 60 unshare --uts bash -c 'hostname "$1" && shift && "$@"; rc=$?; echo "Hostname of the caller: $(hostname)"; exit $rc' \
        _ "$ref" "$NS_TRACE" "$log" "$SC" 2b "$ROOT"
    expect_status 0 "simple_container 2b should exit 0; see the error it printed"
    # Who wrote the line, and the hostname of the writer's UTS namespace at that moment.
    w=$(ns_trace_writer "$log" "Hostname within container: new_hostname")
    expect_eq "the hostname of the UTS namespace of the process that wrote 'Hostname within container' ($w)" \
        new_hostname "$(ns_trace_field hostname "$w")" \
        "container_prog subtask2 sets new_hostname in its own UTS namespace"
    expect_eq "the hostname of the container's UTS namespace (read with nsenter -u)" new_hostname \
        "$seen_host" "container_prog subtask2 sets new_hostname; it must run (and be allowed to)"
    expect_eq "Hostname within container" new_hostname "$(line_of 'Hostname within container: ')" \
        "container_prog subtask2 sets new_hostname; it must run (and be allowed to)"
    expect_eq "the caller's hostname after the run" "$ref" "$(line_of 'Hostname of the caller: ')" \
        "sethostname() inside must change only the container's copy: which clone flag gives it one?"
}

# ---- 2c: a CPU cgroup -----------------------------------------------------------------------
#
# Judged by the kernel's evidence, never by timing against an idle machine: while 2c runs, the
# container's process is in a new group below ours whose quota is 50000 us per 100000 us
# period, the group's cpu.stat shows the kernel enforcing it (periods counted), and our
# accounting saw at most 0.6 of a core.  Other load only lowers the share.

@test "2.3 simple_container 2c: the kernel holds the container to half a core [4]" {
    make_parent_cgroup
    WATCH_CPU=$PARENT_CPU
    local before after
    before=$(parent_usage_us)
    in_parent_prefix
    observe 90 "${in_parent[@]}" "$SC" 2c "$ROOT"
    after=$(parent_usage_us)
    used_us=$((after - before))
    expect_status 0 "simple_container 2c should exit 0; see the error it printed"
    [ -n "$(line_of 'Time Taken: ')" ] ||
        fail_hint "the benchmark's 'Time Taken:' line" "${output:0:300}" "container_prog subtask3 did not run"
    [ -n "$seen_group" ] || fail_hint "container_prog in a new cgroup below the caller's while it ran" \
        "never seen in one (seen: ${seen_nspid:+NSpid $seen_nspid})" \
        "make a group in the directory kit_cgroup_parent_dir() names and write the PID to its cgroup.procs before the gate opens"
    expect_eq "the group's CPU quota and period ($seen_group)" "50000 100000" "$seen_quota" \
        "v2: cpu.max; v1: cpu.cfs_quota_us and cpu.cfs_period_us (docs/task2.md, step 4)"
    [ "${seen_periods:-0}" -gt 0 ] || fail_hint "the group's cpu.stat counting enforcement periods" \
        "nr_periods ${seen_periods:-unread}" "the quota must be set on the group the container runs in"
    local s
    s=$(share)
    awk -v s="$s" 'BEGIN { exit !(s <= 0.6) }' || fail_hint \
        "at most 0.6 of a core used (CPU time / wall time, from our own cgroup's accounting)" \
        "$s ($used_us us of CPU in $wall_ms ms; throttled in $seen_throttled of $seen_periods periods)" \
        "the container must be in the group before it runs its first instruction (the gate)"
}

@test "2.3 simple_container 2c: the group is made for the run and removed afterwards [2]" {
    make_parent_cgroup
    WATCH_CPU=$PARENT_CPU
    in_parent_prefix
    observe 90 "${in_parent[@]}" "$SC" 2c "$ROOT"
    expect_status 0 "simple_container 2c should exit 0; see the error it printed"
    [ -n "$seen_group" ] || fail_hint "a new cgroup below the caller's holding the container" \
        "none while it ran" "create a group, then write the container's PID to its cgroup.procs"
    expect_eq "cgroups left after the run" "" "$(groups_left)" \
        "remove the group when the container has exited (rmdir(2); EBUSY while tasks exit)"
}

# ---- 2.3 on both cgroup versions: the student's functions on fake trees ----------------------

# unit_tests v1|v2 : build grader/unit/test_simple_cgroup.c against the student's
# task2/simple_cgroup.c and run the tests of that version.
unit_tests() {
    local bin="$BATS_TEST_TMPDIR/test_simple_cgroup" libs
    libs=$(sed -n 's/^LIBKIT_LIBS *:= *//p' "$KIT_ROOT/mk/flags.mk")
    run cc -std=gnu11 -D_GNU_SOURCE -I"$KIT_ROOT/common/include" -I"$KIT_ROOT/task2" -o "$bin" \
        "$BATS_TEST_DIRNAME/unit/test_simple_cgroup.c" "$KIT_ROOT/task2/simple_cgroup.c" \
        "$KIT_ROOT/common/libkit.a" $libs -lcmocka
    expect_status 0 "task2/simple_cgroup.c must build with the grader's unit tests"
    run_t 30 "$bin" "$1"
    [ "$status" -eq 0 ] || fail_hint "every cgroup $1 unit test passing" "$(grep -E 'FAILED|ERROR|Failure|assert' <<<"$output" | head -8)" \
        "see grader/unit/test_simple_cgroup.c for the fake tree; docs/task2.md step 4 for the files"
}

@test "2.3 cgroup v2 by hand: subtree_control, cpu.max, cgroup.procs, rmdir (fake tree) [2]" {
    unit_tests v2
}

@test "2.3 cgroup v1 by hand: cpu.cfs_quota_us, cpu.cfs_period_us, cgroup.procs, rmdir (fake tree) [2]" {
    unit_tests v1
}

# ---- what simple_container promises about ROOT (kit code: no points) -------------------------

@test "task2-simple: simple_container refuses /, a foreign ROOT and a symlink in ROOT, changing nothing" {
    run_t 30 "$SC" 2a /
    [ "$status" -ne 0 ] || fail_hint "a refusal of /" "exit 0" "kit: prepare_root"
    local foreign="$BATS_TEST_TMPDIR/foreign" outside="$BATS_TEST_TMPDIR/outside"
    mkdir -p "$foreign" "$outside"
    echo mine >"$foreign/notes"
    run_t 30 "$SC" 2a "$foreign"
    [ "$status" -ne 0 ] || fail_hint "a refusal of a non-empty directory it did not make" "exit 0" "kit: prepare_root"
    expect_eq "the foreign directory's entries afterwards" notes "$(ls -A "$foreign")" "kit: nothing may be written"
    # An earlier run's ROOT whose lib directory was replaced by a symlink leading outside.
    mkdir -p "$ROOT"
    : >"$ROOT/container_prog"
    local libdir
    libdir=$(ldd "$PROG" | awk '$3 ~ /^\// { print $3; exit }')
    libdir=${libdir%/*}
    mkdir -p "$ROOT$(dirname "$libdir")"
    ln -s "$outside" "$ROOT$libdir"
    run_t 30 "$SC" 2a "$ROOT"
    [ "$status" -ne 0 ] || fail_hint "a refusal of a symlink inside ROOT" "exit 0" "kit: make_parents_in_root"
    expect_eq "files written through the symlink" "" "$(ls -A "$outside")" "kit: symlinks in ROOT are not followed"
}
