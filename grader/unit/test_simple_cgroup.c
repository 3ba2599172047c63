/* Graded unit tests of task 2.3 (task2/simple_cgroup.c) against fake cgroup trees: a temp dir
 * holding the files the kernel would show, so both cgroup versions are graded on any machine
 * (the bats tests grade the machine's own version for real).
 *
 *   test_simple_cgroup v1|v2      runs the tests of one version
 *
 * Built by grader/task2-simple.bats against the student's simple_cgroup.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/cgroup.h"
#include "simple_cgroup.h"

#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
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
    snprintf(p, PATH_MAX, "%s%s", tmp, rel);
    return p;
}

/* Write TEXT to REL below the temp dir, creating its directories. */
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

/* The contents of REL without trailing white space, or "(missing)". */
static const char *get(const char *rel)
{
    static char buf[4096];
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

static bool is_dir(const char *rel)
{
    struct stat st;
    return stat(at(rel), &st) == 0 && S_ISDIR(st.st_mode);
}

/* Whether the space-separated words of REL include WORD or +WORD. */
static bool lists(const char *rel, const char *word)
{
    char text[4096];
    snprintf(text, sizeof(text), " %s ", get(rel));
    char plain[64], plus[64];
    snprintf(plain, sizeof(plain), " %s ", word);
    snprintf(plus, sizeof(plus), " +%s ", word);
    return strstr(text, plain) || strstr(text, plus);
}

static int make_tmp(void **state)
{
    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/test_simple_cgroup.XXXXXX");
    unsetenv("KIT_CGROUP_PARENT");
    return mkdtemp(tmp) ? 0 : -1;
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
    unsetenv("KIT_CGROUP_PARENT");
    return nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void fake_system(const char *mountinfo, const char *self_cgroup)
{
    put("/proc/mountinfo", mountinfo);
    put("/proc/cgroup", self_cgroup);
    char mi[PATH_MAX], sc[PATH_MAX];
    snprintf(mi, sizeof(mi), "%s", at("/proc/mountinfo"));
    snprintf(sc, sizeof(sc), "%s", at("/proc/cgroup"));
    kit_cgroup_use_fake_system(tmp, mi, sc);
}

/* A group as the kernel shows it right after mkdir: its interface files with their defaults
 * (cgroupfs creates them; here the test must). */
static void fake_v2_group(const char *rel)
{
    char path[PATH_MAX];
    const char *files[][2] = {{"cpu.max", "max 100000\n"}, {"cgroup.procs", ""},
                              {"cgroup.controllers", ""},  {"cgroup.subtree_control", ""},
                              {"cpu.stat", "usage_usec 0\n"}};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", rel, files[i][0]);
        put(path, files[i][1]);
    }
}

static void fake_v1_group(const char *rel)
{
    char path[PATH_MAX];
    const char *files[][2] = {{"cpu.cfs_quota_us", "-1\n"},
                              {"cpu.cfs_period_us", "100000\n"},
                              {"cgroup.procs", ""},
                              {"tasks", ""}};
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", rel, files[i][0]);
        put(path, files[i][1]);
    }
}

/* ---- cgroup v2 ------------------------------------------------------------------------------ */

#define V2_PARENT "/sys/fs/cgroup/kit/work"

static void v2_parent(const char *subtree_control)
{
    put(V2_PARENT "/cgroup.controllers", "cpuset cpu io memory pids\n");
    put(V2_PARENT "/cgroup.subtree_control", subtree_control);
    put(V2_PARENT "/cgroup.procs", "");
}

static void v2_make_enables_cpu_for_children(void **state)
{
    (void)state;
    v2_parent("memory pids\n");
    char group[PATH_MAX];
    assert_int_equal(cgroup_make(2, at(V2_PARENT), "box", group, sizeof(group)), 0);
    assert_string_equal(group, at(V2_PARENT "/box"));
    assert_true(is_dir(V2_PARENT "/box"));
    /* The kernel keeps what was enabled; a fake file shows only the last write. */
    assert_true(lists(V2_PARENT "/cgroup.subtree_control", "cpu"));
}

static void v2_make_with_cpu_already_handed_down(void **state)
{
    (void)state;
    v2_parent("cpu memory pids\n");
    char group[PATH_MAX];
    assert_int_equal(cgroup_make(2, at(V2_PARENT), "other", group, sizeof(group)), 0);
    assert_true(is_dir(V2_PARENT "/other"));
    assert_true(lists(V2_PARENT "/cgroup.subtree_control", "cpu"));
}

static void v2_limit_is_cpu_max(void **state)
{
    (void)state;
    fake_v2_group(V2_PARENT "/box");
    assert_int_equal(cpu_limit_v2(at(V2_PARENT "/box"), 50000, 100000), 0);
    assert_string_equal(get(V2_PARENT "/box/cpu.max"), "50000 100000");
    assert_int_equal(cpu_limit_v2(at(V2_PARENT "/box"), 20000, 40000), 0);
    assert_string_equal(get(V2_PARENT "/box/cpu.max"), "20000 40000");
}

static void v2_join_and_remove(void **state)
{
    (void)state;
    fake_v2_group(V2_PARENT "/box");
    assert_int_equal(cgroup_join(at(V2_PARENT "/box"), 4242), 0);
    assert_string_equal(get(V2_PARENT "/box/cgroup.procs"), "4242");
    mkdir(at(V2_PARENT "/empty"), 0755); /* a real group's files vanish with it: rmdir works */
    assert_int_equal(cgroup_remove(at(V2_PARENT "/empty")), 0);
    assert_false(is_dir(V2_PARENT "/empty"));
}

/* The whole of cpu_cap on a v2 machine: the parent the kit names, a group there, the limit in
 * cpu.max, the PID in cgroup.procs.  The group already exists (a run killed before it could
 * remove it) with the kernel's files, since a fake mkdir makes none. */
static void v2_cpu_cap_end_to_end(void **state)
{
    (void)state;
    fake_system("29 24 0:25 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n",
                "0::/kit\n");
    put("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
    put("/sys/fs/cgroup/cgroup.subtree_control", "cpu memory pids\n");
    put("/sys/fs/cgroup/kit/cgroup.controllers", "cpu memory pids\n");
    put("/sys/fs/cgroup/kit/cgroup.subtree_control", "cpu memory pids\n");
    put("/sys/fs/cgroup/kit/cgroup.type", "domain\n");
    put("/sys/fs/cgroup/kit/cgroup.procs", "");
    put(V2_PARENT "/cgroup.controllers", "cpu memory pids\n");
    put(V2_PARENT "/cgroup.subtree_control", "");
    put(V2_PARENT "/cgroup.type", "domain\n");
    put(V2_PARENT "/cgroup.procs", "");
    setenv("KIT_CGROUP_PARENT", "/kit/work", 1);
    fake_v2_group(V2_PARENT "/sc-1");
    char group[PATH_MAX];
    assert_int_equal(cpu_cap(4242, "sc-1", 50000, 100000, group, sizeof(group)), 0);
    assert_string_equal(group, at(V2_PARENT "/sc-1"));
    assert_string_equal(get(V2_PARENT "/sc-1/cpu.max"), "50000 100000");
    assert_string_equal(get(V2_PARENT "/sc-1/cgroup.procs"), "4242");
}

/* ---- cgroup v1 ------------------------------------------------------------------------------ */

#define V1_MOUNTS                                                                  \
    "30 25 0:26 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs rw,mode=755\n"            \
    "32 30 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"         \
    "33 30 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n" \
    "35 30 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"   \
    "39 30 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
#define V1_PARENT "/sys/fs/cgroup/cpu/job"

static void v1_make_is_a_directory(void **state)
{
    (void)state;
    put(V1_PARENT "/cgroup.procs", "");
    put(V1_PARENT "/cpu.cfs_quota_us", "-1\n");
    char group[PATH_MAX];
    assert_int_equal(cgroup_make(1, at(V1_PARENT), "box", group, sizeof(group)), 0);
    assert_string_equal(group, at(V1_PARENT "/box"));
    assert_true(is_dir(V1_PARENT "/box"));
}

static void v1_limit_is_cfs_quota_and_period(void **state)
{
    (void)state;
    fake_v1_group(V1_PARENT "/box");
    assert_int_equal(cpu_limit_v1(at(V1_PARENT "/box"), 50000, 100000), 0);
    assert_string_equal(get(V1_PARENT "/box/cpu.cfs_quota_us"), "50000");
    assert_string_equal(get(V1_PARENT "/box/cpu.cfs_period_us"), "100000");
    assert_int_equal(cpu_limit_v1(at(V1_PARENT "/box"), 20000, 40000), 0);
    assert_string_equal(get(V1_PARENT "/box/cpu.cfs_quota_us"), "20000");
    assert_string_equal(get(V1_PARENT "/box/cpu.cfs_period_us"), "40000");
}

static void v1_join_and_remove(void **state)
{
    (void)state;
    fake_v1_group(V1_PARENT "/box");
    assert_int_equal(cgroup_join(at(V1_PARENT "/box"), 4343), 0);
    assert_string_equal(get(V1_PARENT "/box/cgroup.procs"), "4343");
    mkdir(at(V1_PARENT "/empty"), 0755);
    assert_int_equal(cgroup_remove(at(V1_PARENT "/empty")), 0);
    assert_false(is_dir(V1_PARENT "/empty"));
}

static void v1_cpu_cap_end_to_end(void **state)
{
    (void)state;
    fake_system(V1_MOUNTS, "8:pids:/\n4:memory:/\n2:cpuacct:/\n1:cpu:/job\n");
    put(V1_PARENT "/cgroup.procs", "1\n");
    fake_v1_group(V1_PARENT "/sc-1");
    char group[PATH_MAX];
    assert_int_equal(cpu_cap(4343, "sc-1", 50000, 100000, group, sizeof(group)), 0);
    assert_string_equal(group, at(V1_PARENT "/sc-1"));
    assert_string_equal(get(V1_PARENT "/sc-1/cpu.cfs_quota_us"), "50000");
    assert_string_equal(get(V1_PARENT "/sc-1/cpu.cfs_period_us"), "100000");
    assert_string_equal(get(V1_PARENT "/sc-1/cgroup.procs"), "4343");
}

#define T(f) cmocka_unit_test_setup_teardown(f, make_tmp, remove_tmp)

int main(int argc, char **argv)
{
    const struct CMUnitTest v2[] = {
        T(v2_make_enables_cpu_for_children), T(v2_make_with_cpu_already_handed_down),
        T(v2_limit_is_cpu_max), T(v2_join_and_remove), T(v2_cpu_cap_end_to_end),
    };
    const struct CMUnitTest v1[] = {
        T(v1_make_is_a_directory), T(v1_limit_is_cfs_quota_and_period), T(v1_join_and_remove),
        T(v1_cpu_cap_end_to_end),
    };
    if (argc == 2 && strcmp(argv[1], "v2") == 0)
        return cmocka_run_group_tests_name("simple_cgroup v2", v2, NULL, NULL);
    if (argc == 2 && strcmp(argv[1], "v1") == 0)
        return cmocka_run_group_tests_name("simple_cgroup v1", v1, NULL, NULL);
    fprintf(stderr, "usage: %s v1|v2\n", argv[0]);
    return 2;
}
