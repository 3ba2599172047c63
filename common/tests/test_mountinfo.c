/* Unit tests for mountinfo.c against a fake mountinfo file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/mountinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[] = "/tmp/test_mountinfo.XXXXXX";

static int write_fake(void **state)
{
    (void)state;
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    const char *text =
        "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
        "23 22 0:21 / /proc rw,nosuid - proc proc rw\n"
        "24 22 0:22 / /mnt rw shared:3 master:1 - tmpfs tmpfs rw\n"
        "25 24 0:23 / /mnt rw unbindable - tmpfs tmpfs rw\n";
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int remove_fake(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void shared_root(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(kit_mount_propagation(path, "/", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "shared:1");
}

static void private_when_no_optional_fields(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(kit_mount_propagation(path, "/proc", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "private");
}

static void last_of_stacked_mounts_wins(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(kit_mount_propagation(path, "/mnt", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "unbindable");
    assert_int_equal(kit_mount_count(path, "/mnt"), 2);
}

static void missing_mount_point(void **state)
{
    (void)state;
    char buf[64];
    assert_int_equal(kit_mount_propagation(path, "/nowhere", buf, sizeof(buf)), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(kit_mount_count(path, "/nowhere"), 0);
}

static void missing_file(void **state)
{
    (void)state;
    assert_int_equal(kit_mount_count("/nonexistent/mountinfo", "/"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shared_root),
        cmocka_unit_test(private_when_no_optional_fields),
        cmocka_unit_test(last_of_stacked_mounts_wins),
        cmocka_unit_test(missing_mount_point),
        cmocka_unit_test(missing_file),
    };
    return cmocka_run_group_tests(tests, write_fake, remove_fake);
}
