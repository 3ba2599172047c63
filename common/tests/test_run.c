/* Unit tests for run.c: exit codes, signals, 127 for a missing program, capturing output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/run.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

static void exit_codes_come_back(void **state)
{
    (void)state;
    char *ok[] = {"true", NULL};
    char *no[] = {"false", NULL};
    char *seven[] = {"sh", "-c", "exit 7", NULL};
    assert_int_equal(kit_run(ok), 0);
    assert_int_equal(kit_run(no), 1);
    assert_int_equal(kit_run(seven), 7);
}

static void missing_program_is_127(void **state)
{
    (void)state;
    char *missing[] = {"kit-no-such-program-xyz", NULL};
    assert_int_equal(kit_run(missing), 127);
    assert_int_equal(kit_run_quiet(missing), 127);
}

static void killed_by_signal_is_128_plus_n(void **state)
{
    (void)state;
    char *term[] = {"sh", "-c", "kill -TERM $$", NULL};
    assert_int_equal(kit_run(term), 128 + SIGTERM);
}

static void quiet_keeps_the_status(void **state)
{
    (void)state;
    char *noisy[] = {"sh", "-c", "echo out; echo err >&2; exit 3", NULL};
    assert_int_equal(kit_run_quiet(noisy), 3);
}

static void capture_gets_stdout(void **state)
{
    (void)state;
    char buf[64];
    char *echo[] = {"sh", "-c", "echo hello", NULL};
    assert_int_equal(kit_run_capture(echo, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "hello\n");
}

/* Output longer than the buffer is cut, and the child still finishes (no full-pipe hang). */
static void capture_truncates_without_blocking(void **state)
{
    (void)state;
    char buf[8];
    char *lots[] = {"sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x; exit 4", NULL};
    assert_int_equal(kit_run_capture(lots, buf, sizeof(buf)), 4);
    assert_string_equal(buf, "xxxxxxx");
}

/* A caller with SIGPIPE ignored and SIGTERM blocked (as systemd starts a service, or a shell's
 * `trap '' PIPE`) must not hand that on: the program sees default dispositions, nothing
 * blocked, and no descriptor of ours above 2 (the kernel's own view, /proc/self/status). */
static void the_program_starts_clean(void **state)
{
    (void)state;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_pipe;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old_pipe);
    sigset_t term, old_mask;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    sigprocmask(SIG_BLOCK, &term, &old_mask);
    int null = open("/dev/null", O_RDONLY);
    int fd = fcntl(null, F_DUPFD, 100); /* not close-on-exec, and not ls's own next fd */
    close(null);
    char buf[256];
    char *status[] = {"sh", "-c", "grep -E '^Sig(Ign|Blk)' /proc/self/status; ls /proc/self/fd",
                      NULL};
    int rc = kit_run_capture(status, buf, sizeof(buf));
    close(fd);
    sigprocmask(SIG_SETMASK, &old_mask, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    assert_int_equal(rc, 0);
    /* SIGPIPE (13) is bit 12 of the mask; SIGTERM (15) bit 14.  (Only those: make, for one,
     * starts its commands with glibc's reserved signals 32 and 33 ignored.) */
    const char *ignored = strstr(buf, "SigIgn:\t"), *blk = strstr(buf, "SigBlk:\t");
    assert_non_null(ignored);
    assert_non_null(blk);
    assert_int_equal(strtoull(ignored + 8, NULL, 16) & (1ULL << (SIGPIPE - 1)), 0);
    assert_int_equal(strtoull(blk + 8, NULL, 16) & (1ULL << (SIGTERM - 1)), 0);
    /* ls shows 0 1 2 and the fd of its own directory listing, not ours. */
    char own[16];
    snprintf(own, sizeof(own), "\n%d\n", fd);
    assert_null(strstr(buf, own));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_codes_come_back),
        cmocka_unit_test(missing_program_is_127),
        cmocka_unit_test(killed_by_signal_is_128_plus_n),
        cmocka_unit_test(quiet_keeps_the_status),
        cmocka_unit_test(capture_gets_stdout),
        cmocka_unit_test(capture_truncates_without_blocking),
        cmocka_unit_test(the_program_starts_clean),
    };
    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
