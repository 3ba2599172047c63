#!/usr/bin/env bats
# Every program the kit starts begins with default signal dispositions and nothing blocked,
# whatever its caller had (common/exec.c kit_exec_prepare).  systemd starts services with
# SIGPIPE ignored, and execve keeps an ignored signal ignored: a writer whose reader is gone
# then gets EPIPE instead of dying, and a loop that ignores write errors runs for ever.
# The reference programs are run here from a caller with SIGPIPE ignored (`trap '' PIPE`).
KIT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
load ../lib/kit

setup_file() {
    export ROOTFS="$BATS_FILE_TMPDIR/rootfs"
    "$KIT_ROOT/common/tools/kit-mkrootfs" busybox "$ROOTFS" ||
        fail_hint "a busybox rootfs" "kit-mkrootfs failed" "run 'make' in common/ first"
}

# A writer that ignores its write errors: it ends only if SIGPIPE kills it.  The reader
# takes one line and goes.  Without the reset this never ends (timeout: status 124).
WRITER='while :; do echo y; done 2>/dev/null | head -n 1; grep ^SigIgn /proc/self/status'

# 1 if the SigIgn mask in $output has SIGPIPE's bit (signal 13: bit 12), else 0.  (busybox sh
# ignores SIGQUIT for its children itself: only SIGPIPE's bit is looked at.)
sigpipe_ignored() {
    local mask
    mask=$(line_of "SigIgn:" | tr -d '\t ')
    [ -n "$mask" ] || { echo "no SigIgn line"; return; }
    echo $(((0x$mask >> 12) & 1))
}

@test "scratch_container: CMD starts with SIGPIPE at its default, so a pipe's writer dies" {
    require_built "$KIT_ROOT/task2/scratch_container"
    run_t 60 bash -c 'trap "" PIPE; exec "$0" "$1" sh -c "$2"' \
        "$KIT_ROOT/task2/scratch_container" "$ROOTFS" "$WRITER"
    expect_status 0 "scratch_init.c: kit_exec_prepare() before CMD's execvp"
    expect_eq "SIGPIPE ignored in the container (/proc/self/status)" 0 \
        "$(sigpipe_ignored)" "kit_exec_prepare() resets every disposition"
}

@test "mount_prop: the command starts with no signal ignored" {
    require_built "$KIT_ROOT/task1/mount_prop"
    run_t 60 bash -c 'trap "" PIPE; exec "$0" grep ^SigIgn /proc/self/status' \
        "$KIT_ROOT/task1/mount_prop"
    expect_status 0 "mount_prop.c: kit_exec_prepare() before execvp"
    expect_eq "SIGPIPE ignored by the command (/proc/self/status)" 0 \
        "$(sigpipe_ignored)" "kit_exec_prepare() resets every disposition"
}
