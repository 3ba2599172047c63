/* Unit tests for run.c: exit codes, signals, 127 for a missing program, capturing output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/run.h"

#include <signal.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit_codes_come_back),
        cmocka_unit_test(missing_program_is_127),
        cmocka_unit_test(killed_by_signal_is_128_plus_n),
        cmocka_unit_test(quiet_keeps_the_status),
        cmocka_unit_test(capture_gets_stdout),
        cmocka_unit_test(capture_truncates_without_blocking),
    };
    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
