/* scratch_cgroup_fake - the student's scratch_cgroup.c (2.7) against fake cgroup v1 and v2
 * trees (kit_cgroup_use_fake_system), so both layouts are graded on any machine.
 * Built by task2-scratch.bats with the student's file and libkit; run as
 *   scratch_cgroup_fake v1|v2
 * A fake tree is plain files: after the student's mkdir, the test puts in the interface files
 * the kernel would have made (empty), and takes them out again before the rmdir. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scratch.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[64];
static const char *layout;

static const char *at(const char *rel)
{
    static char paths[4][PATH_MAX];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, PATH_MAX, "%s%s", tmp, rel);
    return p;
}

static void put(const char *rel, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s", at(rel));
    for (char *p = path + strlen(tmp) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* REL's contents without trailing whitespace, or "(missing)". */
static const char *get(const char *rel)
{
    static char buf[256];
    FILE *f = fopen(at(rel), "r");
    if (!f)
        return "(missing)";
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        n--;
    buf[n] = '\0';
    return buf;
}

static bool exists(const char *rel) { return access(at(rel), F_OK) == 0; }

/* The interface files of a new group, as the kernel makes them (empty here). */
static const char *const v1_files[][2] = {
    {"/sys/fs/cgroup/cpu/box", "cpu.cfs_quota_us"}, {"/sys/fs/cgroup/cpu/box", "cpu.cfs_period_us"},
    {"/sys/fs/cgroup/cpu/box", "cgroup.procs"},
    {"/sys/fs/cgroup/memory/job/box", "memory.limit_in_bytes"},
    {"/sys/fs/cgroup/memory/job/box", "memory.memsw.limit_in_bytes"},
    {"/sys/fs/cgroup/memory/job/box", "cgroup.procs"},
    {"/sys/fs/cgroup/pids/box", "pids.max"}, {"/sys/fs/cgroup/pids/box", "cgroup.procs"},
};
static const char *const v2_files[][2] = {
    {"/sys/fs/cgroup/grade/work/box", "cpu.max"},
    {"/sys/fs/cgroup/grade/work/box", "memory.max"},
    {"/sys/fs/cgroup/grade/work/box", "memory.swap.max"},
    {"/sys/fs/cgroup/grade/work/box", "pids.max"},
    {"/sys/fs/cgroup/grade/work/box", "cgroup.procs"},
};

static void kernel_files(bool add)
{
    bool v2 = strcmp(layout, "v2") == 0;
    size_t n = v2 ? sizeof(v2_files) / sizeof(v2_files[0]) : sizeof(v1_files) / sizeof(v1_files[0]);
    for (size_t i = 0; i < n; i++) {
        const char *const *f = v2 ? v2_files[i] : v1_files[i];
        char rel[PATH_MAX];
        snprintf(rel, sizeof(rel), "%s/%s", f[0], f[1]);
        if (add)
            put(rel, "");
        else
            unlink(at(rel));
    }
}

static void fake_tree(void)
{
    char mi[PATH_MAX], sc[PATH_MAX];
    if (strcmp(layout, "v2") == 0) {
        put("/proc/mountinfo", "29 24 0:25 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        put("/proc/cgroup", "0::/user.slice/session-1.scope\n");
        put("/sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");
        put("/sys/fs/cgroup/cgroup.subtree_control", "cpu memory pids\n");
        put("/sys/fs/cgroup/user.slice/session-1.scope/cgroup.procs", "1\n");
        put("/sys/fs/cgroup/grade/cgroup.controllers", "cpu memory pids\n");
        put("/sys/fs/cgroup/grade/cgroup.subtree_control", "cpu memory pids\n");
        put("/sys/fs/cgroup/grade/cgroup.type", "domain\n");
        put("/sys/fs/cgroup/grade/cgroup.procs", "");
        put("/sys/fs/cgroup/grade/work/cgroup.controllers", "cpu memory pids\n");
        put("/sys/fs/cgroup/grade/work/cgroup.subtree_control", "cpu memory pids\n");
        put("/sys/fs/cgroup/grade/work/cgroup.type", "domain\n");
        put("/sys/fs/cgroup/grade/work/cgroup.procs", "");
        setenv("KIT_CGROUP_PARENT", "/grade/work", 1);
    } else {
        put("/proc/mountinfo",
            "32 30 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
            "35 30 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
            "39 30 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n");
        put("/proc/cgroup", "8:pids:/\n4:memory:/job\n1:cpu:/\n");
        put("/sys/fs/cgroup/cpu/cgroup.procs", "1\n");
        put("/sys/fs/cgroup/memory/job/cgroup.procs", "1\n");
        put("/sys/fs/cgroup/pids/cgroup.procs", "1\n");
        unsetenv("KIT_CGROUP_PARENT");
    }
    snprintf(mi, sizeof(mi), "%s", at("/proc/mountinfo"));
    snprintf(sc, sizeof(sc), "%s", at("/proc/cgroup"));
    kit_cgroup_use_fake_system(tmp, mi, sc);
}

static int make_tmp(void **state)
{
    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/scratch_cgroup_fake.XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    fake_tree();
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int remove_tmp(void **state)
{
    (void)state;
    kit_cgroup_use_fake_system(NULL, NULL, NULL);
    return nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* create, set the limits, join, remove: the files written and the directories made/removed. */
static void limits_join_remove(void **state)
{
    (void)state;
    static struct scratch_cgroup cg;
    static struct scratch_config cfg = {.cpus = 0.5, .memory_bytes = 64 << 20, .pids_max = 10};
    bool v2 = strcmp(layout, "v2") == 0;
    assert_int_equal(scratch_cgroup_create(&cg, "box"), 0);
    if (v2) {
        assert_true(exists("/sys/fs/cgroup/grade/work/box"));
    } else {
        assert_true(exists("/sys/fs/cgroup/cpu/box"));
        assert_true(exists("/sys/fs/cgroup/memory/job/box"));
        assert_true(exists("/sys/fs/cgroup/pids/box"));
    }
    kernel_files(true);
    assert_int_equal(scratch_cgroup_set_limits(&cg, &cfg), 0);
    assert_int_equal(scratch_cgroup_join(&cg, 4242), 0);
    if (v2) {
        const char *d = "/sys/fs/cgroup/grade/work/box";
        char rel[PATH_MAX];
#define CHECK(file, want) \
    (snprintf(rel, sizeof(rel), "%s/%s", d, file), assert_string_equal(get(rel), want))
        CHECK("cpu.max", "50000 100000");
        CHECK("memory.max", "67108864");
        CHECK("memory.swap.max", "0");
        CHECK("pids.max", "10");
        CHECK("cgroup.procs", "4242");
    } else {
        assert_string_equal(get("/sys/fs/cgroup/cpu/box/cpu.cfs_quota_us"), "50000");
        assert_string_equal(get("/sys/fs/cgroup/cpu/box/cpu.cfs_period_us"), "100000");
        assert_string_equal(get("/sys/fs/cgroup/memory/job/box/memory.limit_in_bytes"),
                            "67108864");
        assert_string_equal(get("/sys/fs/cgroup/memory/job/box/memory.memsw.limit_in_bytes"),
                            "67108864");
        assert_string_equal(get("/sys/fs/cgroup/pids/box/pids.max"), "10");
        assert_string_equal(get("/sys/fs/cgroup/cpu/box/cgroup.procs"), "4242");
        assert_string_equal(get("/sys/fs/cgroup/memory/job/box/cgroup.procs"), "4242");
        assert_string_equal(get("/sys/fs/cgroup/pids/box/cgroup.procs"), "4242");
    }
    kernel_files(false);
    assert_int_equal(scratch_cgroup_remove(&cg), 0);
    assert_false(exists(v2 ? "/sys/fs/cgroup/grade/work/box" : "/sys/fs/cgroup/cpu/box"));
    if (!v2) {
        assert_false(exists("/sys/fs/cgroup/memory/job/box"));
        assert_false(exists("/sys/fs/cgroup/pids/box"));
    }
}

/* No limit asked for: no limit file is written. */
static void no_limits_no_writes(void **state)
{
    (void)state;
    static struct scratch_cgroup cg;
    static struct scratch_config cfg;
    assert_int_equal(scratch_cgroup_create(&cg, "box"), 0);
    kernel_files(true);
    assert_int_equal(scratch_cgroup_set_limits(&cg, &cfg), 0);
    const char *f = strcmp(layout, "v2") == 0 ? "/sys/fs/cgroup/grade/work/box/pids.max"
                                              : "/sys/fs/cgroup/pids/box/pids.max";
    assert_string_equal(get(f), "");
    kernel_files(false);
    assert_int_equal(scratch_cgroup_remove(&cg), 0);
}

int main(int argc, char **argv)
{
    layout = argc > 1 ? argv[1] : "v2";
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(limits_join_remove, make_tmp, remove_tmp),
        cmocka_unit_test_setup_teardown(no_limits_no_writes, make_tmp, remove_tmp),
    };
    return cmocka_run_group_tests_name(layout, tests, NULL, NULL);
}
