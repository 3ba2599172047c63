/* Unit tests for cgroup.c against FAKE v1, v2 and hybrid trees in a temp dir: a fake mountinfo,
 * a fake /proc/self/cgroup, and the cgroup interface files as plain files.  They check the
 * directories chosen, the values written, subtree_control, usage parsing, and refused names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[64];

/* ---- building the fake system ------------------------------------------------------------ */

static const char *at(const char *rel)
{
    static char paths[4][PATH_MAX];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, PATH_MAX, "%s%s", tmp, rel);
    return p;
}

static void mkdirs(const char *rel)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s", at(rel));
    for (char *p = path + strlen(tmp) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    mkdir(path, 0755);
}

/* Write TEXT to the file REL (below the temp dir), creating its directories. */
static void put(const char *rel, const char *text)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", rel);
    *strrchr(dir, '/') = '\0';
    mkdirs(dir);
    FILE *f = fopen(at(rel), "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The contents of REL, or "(missing)". */
static const char *get(const char *rel)
{
    static char buf[4096];
    FILE *f = fopen(at(rel), "r");
    if (!f)
        return "(missing)";
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static bool exists(const char *rel) { return access(at(rel), F_OK) == 0; }

/* Point the library at the fake system described by MOUNTINFO and SELF_CGROUP. */
static void fake_system(const char *mountinfo, const char *self_cgroup)
{
    put("/proc/mountinfo", mountinfo);
    put("/proc/cgroup", self_cgroup);
    char mi[PATH_MAX], sc[PATH_MAX];
    snprintf(mi, sizeof(mi), "%s", at("/proc/mountinfo"));
    snprintf(sc, sizeof(sc), "%s", at("/proc/cgroup"));
    kit_cgroup_use_fake_system(tmp, mi, sc);
}

static int make_tmp(void **state)
{
    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/test_cgroup.XXXXXX");
    unsetenv("KIT_CGROUP_PARENT"); /* the grader may have set it for the real system */
    return mkdtemp(tmp) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int remove_tmp(void **state)
{
    (void)state;
    kit_cgroup_use_fake_system(NULL, NULL, NULL);
    unsetenv("KIT_CGROUP_PARENT");
    return nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- cgroup v1 ------------------------------------------------------------------------------ */

#define V1_MOUNTS                                                                      \
    "30 25 0:26 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs rw,mode=755\n"                \
    "32 30 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"             \
    "33 30 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"     \
    "34 30 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n"       \
    "35 30 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"       \
    "39 30 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"

/* The caller sits in a confining memory group, at the top of the others. */
#define V1_SELF "8:pids:/\n4:memory:/confined/job\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n"

static void fake_v1(void)
{
    fake_system(V1_MOUNTS, V1_SELF);
    mkdirs("/sys/fs/cgroup/cpu");
    mkdirs("/sys/fs/cgroup/cpuacct");
    mkdirs("/sys/fs/cgroup/memory/confined/job");
    mkdirs("/sys/fs/cgroup/pids");
}

static void v1_detected(void **state)
{
    (void)state;
    fake_v1();
    assert_int_equal(kit_cgroup_detect(), KIT_CGROUP_V1);
}

static void v1_groups_below_the_callers_own(void **state)
{
    (void)state;
    fake_v1();
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    assert_string_equal(kit_cgroup_path(cg, "cpu"), at("/sys/fs/cgroup/cpu/box"));
    assert_string_equal(kit_cgroup_path(cg, "cpuacct"), at("/sys/fs/cgroup/cpuacct/box"));
    assert_string_equal(kit_cgroup_path(cg, "memory"),
                        at("/sys/fs/cgroup/memory/confined/job/box"));
    assert_string_equal(kit_cgroup_path(cg, "pids"), at("/sys/fs/cgroup/pids/box"));
    assert_false(exists("/sys/fs/cgroup/cpuset/box")); /* not a controller the kit uses */
    kit_cgroup_free(cg);
}

static void v1_limits_written(void **state)
{
    (void)state;
    fake_v1();
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    put("/sys/fs/cgroup/memory/confined/job/box/memory.memsw.limit_in_bytes", "");
    assert_int_equal(kit_cgroup_set_cpu(cg, 50000, 100000), 0);
    assert_string_equal(get("/sys/fs/cgroup/cpu/box/cpu.cfs_quota_us"), "50000");
    assert_string_equal(get("/sys/fs/cgroup/cpu/box/cpu.cfs_period_us"), "100000");
    assert_int_equal(kit_cgroup_set_cpu(cg, -1, 100000), 0);
    assert_string_equal(get("/sys/fs/cgroup/cpu/box/cpu.cfs_quota_us"), "-1");
    assert_int_equal(kit_cgroup_set_memory(cg, 64LL << 20), 0);
    assert_string_equal(get("/sys/fs/cgroup/memory/confined/job/box/memory.limit_in_bytes"),
                        "67108864");
    assert_string_equal(
        get("/sys/fs/cgroup/memory/confined/job/box/memory.memsw.limit_in_bytes"), "67108864");
    assert_int_equal(kit_cgroup_set_pids(cg, 20), 0);
    assert_string_equal(get("/sys/fs/cgroup/pids/box/pids.max"), "20");
    assert_int_equal(kit_cgroup_set_pids(cg, -1), 0);
    assert_string_equal(get("/sys/fs/cgroup/pids/box/pids.max"), "max");
    assert_int_equal(kit_cgroup_set_cpu(cg, 50000, 0), -1);
    assert_int_equal(errno, EINVAL);
    kit_cgroup_free(cg);
}

static void v1_add_writes_every_hierarchy(void **state)
{
    (void)state;
    fake_v1();
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    assert_int_equal(kit_cgroup_add(cg, 4242), 0);
    assert_string_equal(get("/sys/fs/cgroup/cpu/box/cgroup.procs"), "4242\n");
    assert_string_equal(get("/sys/fs/cgroup/cpuacct/box/cgroup.procs"), "4242\n");
    assert_string_equal(get("/sys/fs/cgroup/memory/confined/job/box/cgroup.procs"), "4242\n");
    assert_string_equal(get("/sys/fs/cgroup/pids/box/cgroup.procs"), "4242\n");
    kit_cgroup_free(cg);
}

static void v1_usage_and_oom_parsed(void **state)
{
    (void)state;
    fake_v1();
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    put("/sys/fs/cgroup/cpuacct/box/cpuacct.usage", "2500000123\n"); /* nanoseconds */
    put("/sys/fs/cgroup/memory/confined/job/box/memory.oom_control",
        "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
    unsigned long long usec = 0, kills = 0;
    assert_int_equal(kit_cgroup_cpu_usage_us(cg, &usec), 0);
    assert_int_equal(usec, 2500000);
    assert_int_equal(kit_cgroup_oom_kills(cg, &kills), 0);
    assert_int_equal(kills, 3);
    kit_cgroup_free(cg);
}

static void v1_nested_name_and_destroy(void **state)
{
    (void)state;
    fake_v1();
    struct kit_cgroup *cg = kit_cgroup_create("outer/inner");
    assert_non_null(cg);
    assert_string_equal(kit_cgroup_path(cg, "pids"), at("/sys/fs/cgroup/pids/outer/inner"));
    assert_int_equal(kit_cgroup_set_pids(cg, 5), 0);
    assert_int_equal(kit_cgroup_destroy(cg), 0);
    assert_false(exists("/sys/fs/cgroup/pids/outer"));
    assert_false(exists("/sys/fs/cgroup/memory/confined/job/outer"));
    assert_true(exists("/sys/fs/cgroup/memory/confined/job")); /* the caller's own stays */
}

static void v1_existing_group_reused(void **state)
{
    (void)state;
    fake_v1();
    put("/sys/fs/cgroup/pids/box/pids.max", "7");
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    assert_string_equal(get("/sys/fs/cgroup/pids/box/pids.max"), "7");
    kit_cgroup_free(cg);
}

static void v1_comounted_cpu_cpuacct_share_a_directory(void **state)
{
    (void)state;
    fake_system("30 25 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
                "32 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
                "35 30 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n",
                "3:memory:/user\n2:cpu,cpuacct:/user\n");
    mkdirs("/sys/fs/cgroup/cpu,cpuacct/user");
    mkdirs("/sys/fs/cgroup/memory/user");
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    assert_string_equal(kit_cgroup_path(cg, "cpu"), at("/sys/fs/cgroup/cpu,cpuacct/user/box"));
    assert_string_equal(kit_cgroup_path(cg, "cpuacct"),
                        at("/sys/fs/cgroup/cpu,cpuacct/user/box"));
    assert_null(kit_cgroup_path(cg, "pids"));
    assert_int_equal(kit_cgroup_add(cg, 99), 0);
    assert_string_equal(get("/sys/fs/cgroup/cpu,cpuacct/user/box/cgroup.procs"), "99\n");
    assert_int_equal(kit_cgroup_set_pids(cg, 5), -1); /* no pids hierarchy */
    kit_cgroup_free(cg);
}

static void v1_mount_showing_a_subtree(void **state)
{
    (void)state;
    /* Inside a container without a cgroup namespace: the mount's root is our own group. */
    fake_system("40 30 0:29 /docker/abc /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n",
                "8:pids:/docker/abc\n");
    mkdirs("/sys/fs/cgroup/pids");
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    assert_string_equal(kit_cgroup_path(cg, "pids"), at("/sys/fs/cgroup/pids/box"));
    kit_cgroup_free(cg);
}

/* ---- cgroup v2 ------------------------------------------------------------------------------ */

static void fake_v2(void)
{
    fake_system("29 24 0:25 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n",
                "0::/user.slice/session-1.scope\n");
    /* The root (no cgroup.type: it may hold processes) hands memory and pids down, not cpu. */
    put("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
    put("/sys/fs/cgroup/cgroup.subtree_control", "memory pids\n");
    put("/sys/fs/cgroup/cgroup.procs", "1\n");
    /* A slice: no processes of its own. */
    put("/sys/fs/cgroup/user.slice/cgroup.controllers", "cpu memory pids\n");
    put("/sys/fs/cgroup/user.slice/cgroup.subtree_control", "");
    put("/sys/fs/cgroup/user.slice/cgroup.type", "domain\n");
    put("/sys/fs/cgroup/user.slice/cgroup.procs", "");
    /* The caller's scope: holds the caller and its shell. */
    put("/sys/fs/cgroup/user.slice/session-1.scope/cgroup.controllers", "cpu memory pids\n");
    put("/sys/fs/cgroup/user.slice/session-1.scope/cgroup.subtree_control", "");
    put("/sys/fs/cgroup/user.slice/session-1.scope/cgroup.type", "domain\n");
    put("/sys/fs/cgroup/user.slice/session-1.scope/cgroup.procs", "4242\n4243\n");
}

#define SCOPE "/sys/fs/cgroup/user.slice/session-1.scope"

static void v2_detected(void **state)
{
    (void)state;
    fake_v2();
    assert_int_equal(kit_cgroup_detect(), KIT_CGROUP_V2);
}

static void v2_enables_controllers_on_the_way_down(void **state)
{
    (void)state;
    fake_v2();
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    /* Only what is missing is enabled at each level. */
    assert_string_equal(get("/sys/fs/cgroup/cgroup.subtree_control"), "+cpu");
    assert_string_equal(get("/sys/fs/cgroup/user.slice/cgroup.subtree_control"),
                        "+cpu +memory +pids");
    assert_string_equal(get(SCOPE "/cgroup.subtree_control"), "+cpu +memory +pids");
    /* One directory for every controller, below the caller's group. */
    assert_string_equal(kit_cgroup_path(cg, "cpu"), at(SCOPE "/box"));
    assert_string_equal(kit_cgroup_path(cg, "memory"), at(SCOPE "/box"));
    assert_string_equal(kit_cgroup_path(cg, "pids"), at(SCOPE "/box"));
    assert_string_equal(kit_cgroup_path(cg, "cpuacct"), at(SCOPE "/box"));
    kit_cgroup_free(cg);
}

static void v2_no_internal_processes_moves_them_to_a_leaf(void **state)
{
    (void)state;
    fake_v2();
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    /* The scope held processes: they went to its child kit-leaf before enabling. */
    assert_string_equal(get(SCOPE "/kit-leaf/cgroup.procs"), "4242\n4243\n");
    /* ... and destroy gives everything back once no other group is left. */
    assert_int_equal(kit_cgroup_destroy(cg), 0);
    assert_false(exists(SCOPE "/box"));
    assert_false(exists(SCOPE "/kit-leaf"));
    assert_string_equal(get(SCOPE "/cgroup.subtree_control"), "-cpu -memory -pids");
    assert_string_equal(get(SCOPE "/cgroup.procs"), "4242\n4243\n4242\n4243\n");
}

static void v2_busy_ancestor_is_not_rearranged(void **state)
{
    (void)state;
    fake_v2();
    /* A group above ours holding processes: they are not ours to move, so create fails. */
    put("/sys/fs/cgroup/user.slice/cgroup.procs", "555\n");
    assert_null(kit_cgroup_create("box"));
    assert_false(exists("/sys/fs/cgroup/user.slice/kit-leaf"));
    assert_false(exists(SCOPE "/box"));
}

static void v2_limits_written(void **state)
{
    (void)state;
    fake_v2();
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    put(SCOPE "/box/memory.swap.max", "max\n");
    assert_int_equal(kit_cgroup_set_cpu(cg, 50000, 100000), 0);
    assert_string_equal(get(SCOPE "/box/cpu.max"), "50000 100000");
    assert_int_equal(kit_cgroup_set_cpu(cg, -1, 100000), 0);
    assert_string_equal(get(SCOPE "/box/cpu.max"), "max 100000");
    assert_int_equal(kit_cgroup_set_memory(cg, 1 << 20), 0);
    assert_string_equal(get(SCOPE "/box/memory.max"), "1048576");
    assert_string_equal(get(SCOPE "/box/memory.swap.max"), "0");
    assert_int_equal(kit_cgroup_set_pids(cg, 20), 0);
    assert_string_equal(get(SCOPE "/box/pids.max"), "20");
    assert_int_equal(kit_cgroup_add(cg, 77), 0);
    assert_string_equal(get(SCOPE "/box/cgroup.procs"), "77\n");
    kit_cgroup_free(cg);
}

static void v2_usage_and_oom_parsed(void **state)
{
    (void)state;
    fake_v2();
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    put(SCOPE "/box/cpu.stat", "usage_usec 777\nuser_usec 700\nsystem_usec 77\n");
    put(SCOPE "/box/memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\n");
    unsigned long long usec = 0, kills = 0;
    assert_int_equal(kit_cgroup_cpu_usage_us(cg, &usec), 0);
    assert_int_equal(usec, 777);
    assert_int_equal(kit_cgroup_oom_kills(cg, &kills), 0);
    assert_int_equal(kills, 1);
    kit_cgroup_free(cg);
}

static void v2_nested_parents_enable_too(void **state)
{
    (void)state;
    fake_v2();
    /* An existing parent group (a fresh one would be empty in a fake tree). */
    put(SCOPE "/kit/cgroup.controllers", "cpu memory pids\n");
    put(SCOPE "/kit/cgroup.subtree_control", "memory\n");
    put(SCOPE "/kit/cgroup.type", "domain\n");
    put(SCOPE "/kit/cgroup.procs", "");
    struct kit_cgroup *cg = kit_cgroup_create("kit/run1");
    assert_non_null(cg);
    assert_string_equal(kit_cgroup_path(cg, "cpu"), at(SCOPE "/kit/run1"));
    assert_string_equal(get(SCOPE "/kit/cgroup.subtree_control"), "+cpu +pids");
    assert_int_equal(kit_cgroup_destroy(cg), 0);
    assert_false(exists(SCOPE "/kit/run1"));
    assert_true(exists(SCOPE "/kit")); /* not ours: it was there before */
}

static void v2_runner_parent_is_used_instead(void **state)
{
    (void)state;
    fake_v2();
    put("/sys/fs/cgroup/grade/work/cgroup.controllers", "cpu memory pids\n");
    put("/sys/fs/cgroup/grade/work/cgroup.subtree_control", "");
    put("/sys/fs/cgroup/grade/work/cgroup.type", "domain\n");
    put("/sys/fs/cgroup/grade/work/cgroup.procs", "");
    put("/sys/fs/cgroup/grade/cgroup.controllers", "cpu memory pids\n");
    put("/sys/fs/cgroup/grade/cgroup.subtree_control", "cpu memory pids\n");
    put("/sys/fs/cgroup/grade/cgroup.type", "domain\n");
    put("/sys/fs/cgroup/grade/cgroup.procs", "");
    setenv("KIT_CGROUP_PARENT", "/grade/work/", 1);
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    assert_string_equal(kit_cgroup_path(cg, "cpu"), at("/sys/fs/cgroup/grade/work/box"));
    assert_string_equal(get("/sys/fs/cgroup/grade/work/cgroup.subtree_control"),
                        "+cpu +memory +pids");
    assert_false(exists(SCOPE "/kit-leaf")); /* nobody was moved */
    kit_cgroup_free(cg);
}

/* ---- hybrid: v1 controllers next to a v2 mount that holds none of them -------------------- */

static void hybrid_uses_v1(void **state)
{
    (void)state;
    fake_system(V1_MOUNTS "41 30 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
                V1_SELF "0::/\n");
    mkdirs("/sys/fs/cgroup/cpu");
    mkdirs("/sys/fs/cgroup/cpuacct");
    mkdirs("/sys/fs/cgroup/memory/confined/job");
    mkdirs("/sys/fs/cgroup/pids");
    put("/sys/fs/cgroup/unified/cgroup.controllers", "");
    put("/sys/fs/cgroup/unified/cgroup.subtree_control", "");
    assert_int_equal(kit_cgroup_detect(), KIT_CGROUP_V1);
    struct kit_cgroup *cg = kit_cgroup_create("box");
    assert_non_null(cg);
    assert_string_equal(kit_cgroup_path(cg, "cpu"), at("/sys/fs/cgroup/cpu/box"));
    assert_string_equal(kit_cgroup_path(cg, "cpuacct"), at("/sys/fs/cgroup/cpuacct/box"));
    assert_false(exists("/sys/fs/cgroup/unified/box"));
    assert_string_equal(get("/sys/fs/cgroup/unified/cgroup.subtree_control"), "");
    assert_int_equal(kit_cgroup_destroy(cg), 0);
    assert_false(exists("/sys/fs/cgroup/cpu/box"));
}

/* ---- kit_cgroup_parent_dir ------------------------------------------------------------------ */

static void v1_parent_dir_is_the_callers_group(void **state)
{
    (void)state;
    fake_v1();
    char dir[PATH_MAX];
    assert_int_equal(kit_cgroup_parent_dir("cpu", dir, sizeof(dir)), 0);
    assert_string_equal(dir, at("/sys/fs/cgroup/cpu"));
    assert_int_equal(kit_cgroup_parent_dir("memory", dir, sizeof(dir)), 0);
    assert_string_equal(dir, at("/sys/fs/cgroup/memory/confined/job"));
    assert_int_equal(kit_cgroup_parent_dir("pids", dir, sizeof(dir)), 0);
    assert_string_equal(dir, at("/sys/fs/cgroup/pids"));
}

static void v2_parent_dir_hands_every_controller_down(void **state)
{
    (void)state;
    fake_v2();
    char cpu[PATH_MAX], mem[PATH_MAX];
    assert_int_equal(kit_cgroup_parent_dir("cpu", cpu, sizeof(cpu)), 0);
    /* A parent with no processes of its own, handing cpu, memory and pids to its children;
     * on the way down only what is missing is enabled. */
    assert_string_equal(get("/sys/fs/cgroup/cgroup.subtree_control"), "+cpu");
    assert_string_equal(get("/sys/fs/cgroup/user.slice/cgroup.subtree_control"),
                        "+cpu +memory +pids");
    /* Without systemd: the caller's own group, its processes moved into a leaf child. */
    assert_string_equal(cpu, at(SCOPE));
    assert_string_equal(get(SCOPE "/cgroup.subtree_control"), "+cpu +memory +pids");
    assert_string_equal(get(SCOPE "/kit-leaf/cgroup.procs"), "4242\n4243\n");
    put(SCOPE "/cgroup.procs", ""); /* the kernel empties the group on the move */
    assert_int_equal(kit_cgroup_parent_dir("memory", mem, sizeof(mem)), 0);
    assert_string_equal(cpu, mem); /* one tree: one parent */
}

static void v2_parent_dir_of_the_runner(void **state)
{
    (void)state;
    fake_v2();
    put("/sys/fs/cgroup/grade/cgroup.controllers", "cpu memory pids\n");
    put("/sys/fs/cgroup/grade/cgroup.subtree_control", "cpu memory pids\n");
    put("/sys/fs/cgroup/grade/cgroup.type", "domain\n");
    put("/sys/fs/cgroup/grade/cgroup.procs", "");
    put("/sys/fs/cgroup/grade/work/cgroup.controllers", "cpu memory pids\n");
    put("/sys/fs/cgroup/grade/work/cgroup.subtree_control", "");
    put("/sys/fs/cgroup/grade/work/cgroup.type", "domain\n");
    put("/sys/fs/cgroup/grade/work/cgroup.procs", "");
    setenv("KIT_CGROUP_PARENT", "/grade/work", 1);
    char dir[PATH_MAX];
    assert_int_equal(kit_cgroup_parent_dir("pids", dir, sizeof(dir)), 0);
    assert_string_equal(dir, at("/sys/fs/cgroup/grade/work"));
    assert_string_equal(get("/sys/fs/cgroup/grade/work/cgroup.subtree_control"),
                        "+cpu +memory +pids");
    assert_false(exists(SCOPE "/kit-leaf")); /* nobody was moved */
}

static void v2_parent_dir_without_cpu_hands_down_the_rest(void **state)
{
    (void)state;
    fake_v2();
    put("/sys/fs/cgroup/cgroup.controllers", "memory pids\n");
    char dir[PATH_MAX];
    assert_int_equal(kit_cgroup_parent_dir("memory", dir, sizeof(dir)), 0);
    assert_string_equal(get("/sys/fs/cgroup/user.slice/cgroup.subtree_control"),
                        "+memory +pids");
    assert_int_equal(kit_cgroup_parent_dir("cpu", dir, sizeof(dir)), -1);
}

static void parent_dir_refusals(void **state)
{
    (void)state;
    fake_v1();
    char dir[PATH_MAX], tiny[8];
    errno = 0;
    assert_int_equal(kit_cgroup_parent_dir("cpuset", dir, sizeof(dir)), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(kit_cgroup_parent_dir(NULL, dir, sizeof(dir)), -1);
    assert_int_equal(kit_cgroup_parent_dir("memory", tiny, sizeof(tiny)), -1);
    assert_int_equal(errno, ENAMETOOLONG);
    fake_system("22 1 8:1 / / rw - ext4 /dev/vda rw\n", "0::/\n");
    assert_int_equal(kit_cgroup_parent_dir("pids", dir, sizeof(dir)), -1);
}

static void hybrid_parent_dir_is_v1(void **state)
{
    (void)state;
    fake_system(V1_MOUNTS "41 30 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n",
                V1_SELF "0::/\n");
    mkdirs("/sys/fs/cgroup/memory/confined/job");
    put("/sys/fs/cgroup/unified/cgroup.controllers", "");
    put("/sys/fs/cgroup/unified/cgroup.subtree_control", "");
    char dir[PATH_MAX];
    assert_int_equal(kit_cgroup_parent_dir("memory", dir, sizeof(dir)), 0);
    assert_string_equal(dir, at("/sys/fs/cgroup/memory/confined/job"));
    assert_string_equal(get("/sys/fs/cgroup/unified/cgroup.subtree_control"), "");
}

/* ---- refusals ------------------------------------------------------------------------------- */

static void bad_names_refused(void **state)
{
    (void)state;
    fake_v1();
    const char *bad[] = {"", "/abs", "..", ".", "a/../b", "a//b", "a/", "../escape"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errno = 0;
        assert_null(kit_cgroup_create(bad[i]));
        assert_int_equal(errno, EINVAL);
    }
    assert_null(kit_cgroup_create(NULL));
    assert_false(exists("/sys/fs/cgroup/escape"));
}

static void no_cgroups_at_all(void **state)
{
    (void)state;
    fake_system("22 1 8:1 / / rw - ext4 /dev/vda rw\n", "0::/\n");
    assert_int_equal(kit_cgroup_detect(), KIT_CGROUP_NONE);
    assert_null(kit_cgroup_create("box"));
}

/* A v2 mount whose controllers are all elsewhere: nothing to limit, and nothing is created. */
static void v2_without_controllers_creates_nothing(void **state)
{
    (void)state;
    fake_system("29 24 0:25 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", "0::/\n");
    put("/sys/fs/cgroup/cgroup.controllers", "io\n");
    put("/sys/fs/cgroup/cgroup.subtree_control", "");
    assert_int_equal(kit_cgroup_detect(), KIT_CGROUP_NONE);
    assert_null(kit_cgroup_create("box"));
    assert_false(exists("/sys/fs/cgroup/box"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_tmp, remove_tmp)
    const struct CMUnitTest tests[] = {
        T(v1_detected),
        T(v1_groups_below_the_callers_own),
        T(v1_limits_written),
        T(v1_add_writes_every_hierarchy),
        T(v1_usage_and_oom_parsed),
        T(v1_nested_name_and_destroy),
        T(v1_existing_group_reused),
        T(v1_comounted_cpu_cpuacct_share_a_directory),
        T(v1_mount_showing_a_subtree),
        T(v2_detected),
        T(v2_enables_controllers_on_the_way_down),
        T(v2_no_internal_processes_moves_them_to_a_leaf),
        T(v2_busy_ancestor_is_not_rearranged),
        T(v2_limits_written),
        T(v2_usage_and_oom_parsed),
        T(v2_nested_parents_enable_too),
        T(v2_runner_parent_is_used_instead),
        T(hybrid_uses_v1),
        T(bad_names_refused),
        T(no_cgroups_at_all),
        T(v2_without_controllers_creates_nothing),
        T(v1_parent_dir_is_the_callers_group),
        T(v2_parent_dir_hands_every_controller_down),
        T(v2_parent_dir_of_the_runner),
        T(v2_parent_dir_without_cpu_hands_down_the_rest),
        T(parent_dir_refusals),
        T(hybrid_parent_dir_is_v1),
    };
    return cmocka_run_group_tests_name("cgroup", tests, NULL, NULL);
}
