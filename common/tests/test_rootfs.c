/* Unit tests for busybox.c and the parts of rootfs.c that need no privilege: the busybox rootfs
 * (layout, applet links, files, all-or-nothing rename) and kit_make_mount_point.  The mounts
 * themselves need root and namespaces: grader/task2-scratch.bats covers them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/busybox.h"
#include "kit/rootfs.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[64];

static const char *at(const char *rel)
{
    static char paths[4][PATH_MAX];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, PATH_MAX, "%s/%s", tmp, rel);
    return p;
}

static int make_tmp(void **state)
{
    (void)state;
    strcpy(tmp, "/tmp/kit-test-rootfs.XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int remove_tmp(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

/* Entries of the temp dir other than NAME (a leftover temp dir would be one). */
static int other_entries(const char *name)
{
    DIR *d = opendir(tmp);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, name))
            n++;
    closedir(d);
    return n;
}

static void busybox_rootfs_has_the_layout(void **state)
{
    (void)state;
    if (access(KIT_BUSYBOX_BIN, X_OK) < 0)
        skip(); /* busybox-static not installed */
    assert_int_equal(kit_busybox_rootfs(at("root")), 0);

    struct stat st;
    assert_int_equal(stat(at("root/bin/busybox"), &st), 0);
    assert_true(S_ISREG(st.st_mode) && (st.st_mode & 0111));
    /* Applets are relative symlinks to the one binary, wherever --list-full puts them. */
    char target[PATH_MAX];
    ssize_t n = readlink(at("root/bin/sh"), target, sizeof(target) - 1);
    assert_true(n > 0);
    target[n] = '\0';
    assert_string_equal(target, "busybox");
    n = readlink(at("root/usr/bin/head"), target, sizeof(target) - 1);
    assert_true(n > 0);
    target[n] = '\0';
    assert_string_equal(target, "../../bin/busybox");
    assert_int_equal(stat(at("root/usr/bin/head"), &st), 0); /* resolves */

    assert_int_equal(stat(at("root/tmp"), &st), 0);
    assert_int_equal(st.st_mode & 07777, 01777);
    for (const char *const *d = (const char *const[]){"proc", "sys", "dev", "etc", NULL}; *d; d++) {
        char rel[32];
        snprintf(rel, sizeof(rel), "root/%s", *d);
        assert_int_equal(stat(at(rel), &st), 0);
        assert_true(S_ISDIR(st.st_mode));
    }
    FILE *f = fopen(at("root/etc/passwd"), "r");
    assert_non_null(f);
    char line[256];
    assert_non_null(fgets(line, sizeof(line), f));
    fclose(f);
    assert_string_equal(line, "root:x:0:0:root:/root:/bin/sh\n");
    assert_int_equal(access(at("root/etc/group"), R_OK), 0);
    assert_int_equal(access(at("root/etc/hostname"), R_OK), 0);
    assert_int_equal(other_entries("root"), 0); /* the temp dir was renamed, not left */
}

static void busybox_rootfs_refuses_a_full_dir_and_cleans_up(void **state)
{
    (void)state;
    if (access(KIT_BUSYBOX_BIN, X_OK) < 0)
        skip();
    assert_int_equal(mkdir(at("full"), 0755), 0);
    FILE *f = fopen(at("full/keep"), "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(kit_busybox_rootfs(at("full")), -1);
    assert_int_equal(access(at("full/keep"), F_OK), 0); /* untouched */
    assert_int_equal(access(at("full/bin"), F_OK), -1);
    assert_int_equal(other_entries("full"), 0); /* no temp dir left behind */
}

static void mount_point_makes_parents_dirs_and_files(void **state)
{
    (void)state;
    struct stat st;
    assert_int_equal(kit_make_mount_point(at("a/b/c"), true), 0);
    assert_int_equal(stat(at("a/b/c"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(kit_make_mount_point(at("a/b/c"), true), 0); /* existing is fine */
    assert_int_equal(kit_make_mount_point(at("x/y/file"), false), 0);
    assert_int_equal(stat(at("x/y/file"), &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_size, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(busybox_rootfs_has_the_layout, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(busybox_rootfs_refuses_a_full_dir_and_cleans_up,
                                        make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(mount_point_makes_parents_dirs_and_files, make_tmp,
                                        remove_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
