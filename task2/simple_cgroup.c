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
    /* >>> 2.3 Write TEXT to DIR/FILE.  cgroupfs files are not ordinary files: the kernel
     *     parses what each single write(2) hands it, so give it the whole text in one call,
     *     and a refusal (a bad value, a controller that is not there) is that write's error.
     *     Hint: open(2) for writing, write(2), close(2); kit_fail_errno() (kit/err.h) says
     *     which file failed.  Check: `strace -e trace=openat,write` of simple_container 2c. */
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return kit_fail_errno("%s/%s", dir, file);
    }
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return kit_fail_errno("open %s", path);
    size_t len = strlen(text);
    ssize_t written = write(fd, text, len);
    int saved = errno;
    close(fd);
    if (written != (ssize_t)len) {
        errno = written < 0 ? saved : EIO;
        return kit_fail_errno("write '%s' to %s", text, path);
    }
    return 0;
    /* <<< 2.3 stub: (void)dir; (void)file; (void)text; errno = ENOSYS; return -1; */
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
    /* >>> 2.3 Make the group PARENT/NAME (its path in GROUP).  On cgroup v2 a controller's
     *     files (cpu.max ...) appear in a group only when its parent lists that controller in
     *     cgroup.subtree_control; a parent hands down only what it has itself
     *     (cgroup.controllers).  On v1 every group of the cpu hierarchy has the cpu files.
     *     Hint: cgroups(7) and the kernel's Documentation/admin-guide/cgroup-v2.rst
     *     ("Enabling and Disabling"): the syntax of a subtree_control write; mkdir(2).
     *     Check: `ls PARENT/NAME` shows cpu.max (v2) or cpu.cfs_quota_us (v1). */
    if ((size_t)snprintf(group, len, "%s/%s", parent, name) >= len) {
        errno = ENAMETOOLONG;
        return kit_fail_errno("%s/%s", parent, name);
    }
    if (version == 2 && !list_holds(parent, "cgroup.subtree_control", "cpu") &&
        cgroup_write(parent, "cgroup.subtree_control", "+cpu") < 0)
        return -1;
    if (mkdir(group, 0755) < 0 && errno != EEXIST)
        return kit_fail_errno("create %s", group);
    return 0;
    /* <<< 2.3 stub: (void)version; (void)parent; (void)name; (void)group; (void)len; (void)list_holds; errno = ENOSYS; return -1; */
}

int cpu_limit_v2(const char *group, long quota_us, long period_us)
{
    /* >>> 2.3 cgroup v2: QUOTA_US of CPU in every PERIOD_US for the whole group.
     *     Hint: the cpu controller's interface files in cgroup-v2.rst; one file holds both
     *     numbers.  Check: `cat GROUP/cpu.max`. */
    char text[64];
    snprintf(text, sizeof(text), "%ld %ld", quota_us, period_us);
    return cgroup_write(group, "cpu.max", text);
    /* <<< 2.3 stub: (void)group; (void)quota_us; (void)period_us; errno = ENOSYS; return -1; */
}

int cpu_limit_v1(const char *group, long quota_us, long period_us)
{
    /* >>> 2.3 cgroup v1: the same limit, CFS bandwidth control in the cpu hierarchy.
     *     Hint: the kernel's Documentation/scheduler/sched-bwc.rst: two files, one number
     *     each.  Check: `cat GROUP/cpu.cfs_*_us`. */
    char text[32];
    snprintf(text, sizeof(text), "%ld", period_us);
    if (cgroup_write(group, "cpu.cfs_period_us", text) < 0)
        return -1;
    snprintf(text, sizeof(text), "%ld", quota_us);
    return cgroup_write(group, "cpu.cfs_quota_us", text);
    /* <<< 2.3 stub: (void)group; (void)quota_us; (void)period_us; errno = ENOSYS; return -1; */
}

int cgroup_join(const char *group, pid_t pid)
{
    /* >>> 2.3 Move process PID into GROUP: from then on the kernel charges its CPU time to the
     *     group, and so for every child it forks.
     *     Hint: cgroups(7), "Creating cgroups and moving processes" (one PID per write).
     *     Check: `cat /proc/PID/cgroup`. */
    char text[32];
    snprintf(text, sizeof(text), "%d", (int)pid);
    return cgroup_write(group, "cgroup.procs", text);
    /* <<< 2.3 stub: (void)group; (void)pid; errno = ENOSYS; return -1; */
}

int cgroup_remove(const char *group)
{
    /* >>> 2.3 Remove GROUP.  A group is removed with rmdir(2) (its files go with it), but only
     *     once no process is in it: the container's processes may still be exiting for a
     *     moment after wait() returned, and rmdir says EBUSY meanwhile - try again for a few
     *     seconds.  Check: `find /sys/fs/cgroup -name 'simple_container-*'` is empty after. */
    for (int tries = 0;; tries++) {
        if (rmdir(group) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY || tries == 500)
            return kit_fail_errno("remove %s", group);
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
    /* <<< 2.3 stub: (void)group; errno = ENOSYS; return -1; */
}

int cpu_cap(pid_t pid, const char *name, long quota_us, long period_us, char *group,
            size_t len)
{
    /* >>> 2.3 Put PID in the group PARENT/NAME limited to QUOTA_US per PERIOD_US, where
     *     PARENT is the directory kit_cgroup_parent_dir("cpu", ...) names, with the functions
     *     above for this machine's cgroup version (kit_cgroup_detect()).  A half-made group
     *     must not stay behind: on any failure remove it.
     *     Check: while 2c runs, `cat /proc/PID/cgroup` shows the group. */
    enum kit_cgroup_version version = kit_cgroup_detect();
    if (version == KIT_CGROUP_NONE) {
        errno = ENOENT;
        return kit_fail("no cgroup hierarchy with the cpu controller here");
    }
    char parent[PATH_MAX];
    if (kit_cgroup_parent_dir("cpu", parent, sizeof(parent)) < 0 ||
        cgroup_make(version, parent, name, group, len) < 0)
        return -1;
    int rc = version == KIT_CGROUP_V2 ? cpu_limit_v2(group, quota_us, period_us)
                                      : cpu_limit_v1(group, quota_us, period_us);
    if (rc == 0)
        rc = cgroup_join(group, pid);
    if (rc < 0) {
        int saved = errno;
        cgroup_remove(group);
        errno = saved;
    }
    return rc;
    /* <<< 2.3 stub: (void)pid; (void)name; (void)quota_us; (void)period_us; (void)group; (void)len; errno = ENOSYS; return -1; */
}
