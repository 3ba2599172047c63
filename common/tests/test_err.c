/* Unit tests for err.c: the one-line message format and errno preservation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Run FN with stderr sent into a pipe; return what it wrote. */
static const char *captured(void (*fn)(void))
{
    static char buf[4096];
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    int saved = dup(STDERR_FILENO);
    dup2(fds[1], STDERR_FILENO);
    fn();
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fds[1]);
    ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
    close(fds[0]);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static void plain_message(void)
{
    kit_set_prog("/usr/bin/prog");
    assert_int_equal(kit_fail("bad name '%s'", "x/y"), -1);
}

static void message_with_errno(void)
{
    kit_set_prog("prog");
    errno = ENOENT;
    assert_int_equal(kit_fail_errno("open %s", "/nope"), -1);
    assert_int_equal(errno, ENOENT); /* the caller can still look at it */
}

static void message_with_code(void)
{
    kit_set_prog("prog");
    errno = 0;
    assert_int_equal(kit_fail_code(EBUSY, "rmdir %s", "g"), -1);
    assert_int_equal(errno, 0);
}

static void long_message(void)
{
    char big[3000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    kit_set_prog("prog");
    kit_fail("%s", big);
}

static void prog_name_is_basename(void **state)
{
    (void)state;
    assert_string_equal(captured(plain_message), "prog: bad name 'x/y'\n");
    assert_string_equal(kit_prog(), "prog");
}

static void errno_reason_appended(void **state)
{
    (void)state;
    assert_string_equal(captured(message_with_errno), "prog: open /nope: No such file or directory\n");
}

static void explicit_code_reason(void **state)
{
    (void)state;
    assert_string_equal(captured(message_with_code), "prog: rmdir g: Device or resource busy\n");
}

static void long_message_stays_one_line(void **state)
{
    (void)state;
    const char *out = captured(long_message);
    assert_int_equal(strchr(out, '\n') - out, (long)strlen(out) - 1);
    assert_true(strlen(out) < 1100);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prog_name_is_basename),
        cmocka_unit_test(errno_reason_appended),
        cmocka_unit_test(explicit_code_reason),
        cmocka_unit_test(long_message_stays_one_line),
    };
    return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
