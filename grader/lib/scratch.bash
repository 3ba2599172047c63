# scratch.bash - what the scratch_container suites share (task2-scratch.bats,
# task2-isolation.bats): a busybox rootfs, running the program on it, finding its processes,
# and the check after every test that no mount or cgroup is left.  Load after lib/kit.

SC="$KIT_ROOT/task2/scratch_container"

# scratch_make_rootfs DIR : a busybox rootfs with the syscall probe as /bin/kit-probe.
scratch_make_rootfs() {
    "$KIT_ROOT/common/tools/kit-mkrootfs" busybox "$1" ||
        fail_hint "a busybox rootfs" "kit-mkrootfs failed" "run 'make' in common/ first"
    cc -static -O2 -o "$1/bin/kit-probe" "$BATS_TEST_DIRNAME/helpers/syscall_probe.c" ||
        fail_hint "the syscall probe built" "cc -static failed" "apt-get install libc6-dev"
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

# Nothing left behind: no mount in our namespace, no cgroup below ours.  (A suite with more to
# undo defines its own teardown and calls this at its end.)
teardown() { scratch_teardown; }
scratch_teardown() {
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

# The container's init (the child scratch_container cloned), once it exists.
container_init_of() {
    local pid=$1 init=
    for _ in $(seq 50); do
        init=$(cat "/proc/$pid/task/$pid/children" 2>/dev/null | awk '{ print $1 }')
        [ -n "$init" ] && break
        sleep 0.1
    done
    echo "$init"
}
