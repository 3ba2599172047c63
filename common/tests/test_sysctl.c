/* Unit tests for sysctl.c: reading a known value; writing one inside a network namespace of
 * our own (as root), so the host's settings are never touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/sysctl.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void reads_dotted_and_slashed_names(void **state)
{
    (void)state;
    char a[64], b[64];
    assert_int_equal(kit_sysctl_read("kernel.ostype", a, sizeof(a)), 0);
    assert_string_equal(a, "Linux");
    assert_int_equal(kit_sysctl_read("kernel/ostype", b, sizeof(b)), 0);
    assert_string_equal(b, "Linux");
}

static void missing_name_fails(void **state)
{
    (void)state;
    char buf[16];
    errno = 0;
    assert_int_equal(kit_sysctl_read("kernel.no_such_setting", buf, sizeof(buf)), -1);
    assert_int_equal(errno, ENOENT);
}

/* In a fresh network namespace ip_forward starts at 0; write 1 and read it back. */
static void writes_inside_own_network_namespace(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    pid_t pid = fork();
    if (pid == 0) {
        char buf[8];
        if (unshare(CLONE_NEWNET) < 0 || kit_sysctl_read("net.ipv4.ip_forward", buf, sizeof(buf)) < 0 ||
            strcmp(buf, "0") != 0 || kit_sysctl_write("net.ipv4.ip_forward", "1") < 0 ||
            kit_sysctl_read("net.ipv4.ip_forward", buf, sizeof(buf)) < 0 || strcmp(buf, "1") != 0)
            _exit(1);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_dotted_and_slashed_names),
        cmocka_unit_test(missing_name_fails),
        cmocka_unit_test(writes_inside_own_network_namespace),
    };
    return cmocka_run_group_tests_name("sysctl", tests, NULL, NULL);
}
