/* simple_cgroup.c - a CPU cgroup by hand, in the cgroup file system (see simple_cgroup.h). */
#include "simple_cgroup.h"

#include "kit/cgroup.h"
#include "kit/err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int cgroup_write(const char *dir, const char *file, const char *text)
{
    /* TODO 2.3: Write TEXT to DIR/FILE.  cgroupfs files are not ordinary files: the kernel
     *     parses what each single write(2) hands it, so give it the whole text in one call,
     *     and a refusal (a bad value, a controller that is not there) is that write's error.
     *     Hint: open(2) for writing, write(2), close(2); kit_fail_errno() (kit/err.h) says
     *     which file failed.  Check: `strace -e trace=openat,write` of simple_container 2c. */
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    FILE *f = fopen(path, "we");
    if (!f)
        return kit_fail_errno("cannot open %s", path);
    /* fully buffered: the text reaches the kernel in one write at fclose */
    setvbuf(f, NULL, _IOFBF, 4096);
    fputs(text, f);
    if (fclose(f) != 0)
        return kit_fail_errno("the kernel refused '%s' in %s", text, path);
    return 0;
}

/* Whether the space-separated list in DIR/FILE (cgroup.controllers, cgroup.subtree_control)
 * holds the word WORD. */
static bool list_holds(const char *dir, const char *file, const char *word)
{
    char path[PATH_MAX], text[512] = "";
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    bool found = false;
    while (!found && fscanf(f, "%511s", text) == 1)
        found = strcmp(text, word) == 0;
    fclose(f);
    return found;
}

int cgroup_make(int version, const char *parent, const char *name, char *group, size_t len)
{
    /* TODO 2.3: Make the group PARENT/NAME (its path in GROUP).  On cgroup v2 a controller's
     *     files (cpu.max ...) appear in a group only when its parent lists that controller in
     *     cgroup.subtree_control; a parent hands down only what it has itself
     *     (cgroup.controllers).  On v1 every group of the cpu hierarchy has the cpu files.
     *     Hint: cgroups(7) and the kernel's Documentation/admin-guide/cgroup-v2.rst
     *     ("Enabling and Disabling"): the syntax of a subtree_control write; mkdir(2).
     *     Check: `ls PARENT/NAME` shows cpu.max (v2) or cpu.cfs_quota_us (v1). */
    int n = snprintf(group, len, "%s/%s", parent, name);
    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return kit_fail_errno("group path");
    }
    if (version == 2) {
        if (!list_holds(parent, "cgroup.controllers", "cpu")) {
            errno = ENOENT;
            return kit_fail("%s cannot hand down cpu", parent);
        }
        if (!list_holds(parent, "cgroup.subtree_control", "cpu") &&
            cgroup_write(parent, "cgroup.subtree_control", "+cpu\n") != 0)
            return -1;
    }
    struct stat st;
    if (stat(group, &st) == 0 && S_ISDIR(st.st_mode))
        return 0; /* left by a killed run: reuse it */
    if (mkdir(group, 0700) != 0)
        return kit_fail_errno("mkdir %s", group);
    return 0;
}

int cpu_limit_v2(const char *group, long quota_us, long period_us)
{
    /* TODO 2.3: cgroup v2: QUOTA_US of CPU in every PERIOD_US for the whole group.
     *     Hint: the cpu controller's interface files in cgroup-v2.rst; one file holds both
     *     numbers.  Check: `cat GROUP/cpu.max`. */
    char line[80];
    snprintf(line, sizeof(line), "%ld %ld\n", quota_us, period_us);
    return cgroup_write(group, "cpu.max", line);
}

int cpu_limit_v1(const char *group, long quota_us, long period_us)
{
    /* TODO 2.3: cgroup v1: the same limit, CFS bandwidth control in the cpu hierarchy.
     *     Hint: the kernel's Documentation/scheduler/sched-bwc.rst: two files, one number
     *     each.  Check: `cat GROUP/cpu.cfs_*_us`. */
    char quota[24], period[24];
    snprintf(quota, sizeof(quota), "%ld\n", quota_us);
    snprintf(period, sizeof(period), "%ld\n", period_us);
    /* quota first: the default period is 100 ms, any quota of 1 ms or more fits it */
    if (cgroup_write(group, "cpu.cfs_quota_us", quota) != 0)
        return -1;
    return cgroup_write(group, "cpu.cfs_period_us", period);
}

int cgroup_join(const char *group, pid_t pid)
{
    /* TODO 2.3: Move process PID into GROUP: from then on the kernel charges its CPU time to the
     *     group, and so for every child it forks.
     *     Hint: cgroups(7), "Creating cgroups and moving processes" (one PID per write).
     *     Check: `cat /proc/PID/cgroup`. */
    char buf[24];
    snprintf(buf, sizeof(buf), "%ld\n", (long)pid);
    return cgroup_write(group, "cgroup.procs", buf);
}

int cgroup_remove(const char *group)
{
    /* TODO 2.3: Remove GROUP.  A group is removed with rmdir(2) (its files go with it), but only
     *     once no process is in it: the container's processes may still be exiting for a
     *     moment after wait() returned, and rmdir says EBUSY meanwhile - try again for a few
     *     seconds.  Check: `find /sys/fs/cgroup -name 'simple_container-*'` is empty after. */
    struct timespec pause = {0, 20 * 1000 * 1000};
    for (int i = 0; i < 250; i++) {
        if (rmdir(group) == 0)
            return 0;
        if (errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            break;
        nanosleep(&pause, NULL);
    }
    return kit_fail_errno("rmdir %s", group);
}

int cpu_cap(pid_t pid, const char *name, long quota_us, long period_us, char *group,
            size_t len)
{
    /* TODO 2.3: Put PID in the group PARENT/NAME limited to QUOTA_US per PERIOD_US, where
     *     PARENT is the directory kit_cgroup_parent_dir("cpu", ...) names, with the functions
     *     above for this machine's cgroup version (kit_cgroup_detect()).  A half-made group
     *     must not stay behind: on any failure remove it.
     *     Check: while 2c runs, `cat /proc/PID/cgroup` shows the group. */
    char parent[PATH_MAX];
    if (kit_cgroup_parent_dir("cpu", parent, sizeof(parent)) != 0)
        return -1;
    int version;
    switch (kit_cgroup_detect()) {
    case KIT_CGROUP_V1: version = 1; break;
    case KIT_CGROUP_V2: version = 2; break;
    default: errno = ENOTSUP; return kit_fail("no cpu controller");
    }
    if (cgroup_make(version, parent, name, group, len) != 0)
        return -1;
    int failed = version == 1 ? cpu_limit_v1(group, quota_us, period_us) != 0
                              : cpu_limit_v2(group, quota_us, period_us) != 0;
    if (!failed)
        failed = cgroup_join(group, pid) != 0;
    if (failed) {
        int e = errno;
        (void)cgroup_remove(group);
        errno = e;
        return -1;
    }
    return 0;
}
