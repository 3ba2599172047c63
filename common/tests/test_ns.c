/* Unit tests for ns.c: parsing namespace links and reading our own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/ns.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static void parses_type_and_inode(void **state)
{
    (void)state;
    char type[16];
    unsigned long inode = 0;
    assert_int_equal(kit_ns_parse_link("net:[4026531840]", type, sizeof(type), &inode), 0);
    assert_string_equal(type, "net");
    assert_int_equal(inode, 4026531840UL);
}

static void rejects_malformed_links(void **state)
{
    (void)state;
    const char *bad[] = {"net[1]", "net:1", "net:[]", "net:[abc]", "net:[1]x", ":[1]", "net:[1",
                         ""};
    char type[16];
    unsigned long inode;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        assert_int_equal(kit_ns_parse_link(bad[i], type, sizeof(type), &inode), -1);
        assert_int_equal(errno, EINVAL);
    }
}

static void rejects_type_too_long_for_buffer(void **state)
{
    (void)state;
    char type[4];
    unsigned long inode;
    errno = 0;
    assert_int_equal(kit_ns_parse_link("cgroup:[5]", type, sizeof(type), &inode), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(kit_ns_parse_link("uts:[5]", type, sizeof(type), &inode), 0);
    assert_string_equal(type, "uts");
}

/* kit_ns_inode (stat) agrees with the inode in the link text (readlink). */
static void inode_matches_link_text(void **state)
{
    (void)state;
    const char *names[] = {"uts", "pid", "mnt", "net", "pid_for_children"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char path[64], link[64], type[16];
        unsigned long inode = 0, from_link = 0;
        assert_int_equal(kit_ns_inode(0, names[i], &inode), 0);
        snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
        ssize_t n = readlink(path, link, sizeof(link) - 1);
        assert_true(n > 0);
        link[n] = '\0';
        assert_int_equal(kit_ns_parse_link(link, type, sizeof(type), &from_link), 0);
        assert_int_equal(inode, from_link);
    }
}

static void missing_namespace_is_enoent(void **state)
{
    (void)state;
    unsigned long inode;
    errno = 0;
    assert_int_equal(kit_ns_inode(0, "no_such_ns", &inode), -1);
    assert_int_equal(errno, ENOENT);
}

static void names_of_clone_flags(void **state)
{
    (void)state;
    assert_string_equal(kit_ns_name(CLONE_NEWPID), "pid");
    assert_string_equal(kit_ns_name(CLONE_NEWUTS), "uts");
    assert_string_equal(kit_ns_name(CLONE_NEWNS), "mnt");
    assert_null(kit_ns_name(0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_type_and_inode),
        cmocka_unit_test(rejects_malformed_links),
        cmocka_unit_test(rejects_type_too_long_for_buffer),
        cmocka_unit_test(inode_matches_link_text),
        cmocka_unit_test(missing_namespace_is_enoent),
        cmocka_unit_test(names_of_clone_flags),
    };
    return cmocka_run_group_tests_name("ns", tests, NULL, NULL);
}
