/* scratch_cgroup.c - the container's cgroup, written by hand through cgroupfs (part 2.7).
 *
 * The kit tells where groups may be made (kit_cgroup_parent_dir) and which layout the machine
 * has (kit_cgroup_detect); everything below that - the directories, the limit files, joining,
 * removing - is the student's.  The same functions run against fake v1 and v2 trees in the
 * grader (kit_cgroup_use_fake_system), so both layouts count wherever the kit runs. */
#include "scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kit/cgroup.h"
#include "kit/err.h"

const char *const scratch_cgroup_controllers[SCRATCH_CG_N] = {"cpu", "memory", "pids"};

/* >>> 2.7 The container's cgroup, by hand.
 *     scratch_cgroup_create: for each controller (scratch_cgroup_controllers) ask the kit where
 *       groups may be made (kit_cgroup_parent_dir) and make NAME there; remember each directory
 *       in cg->dir[] and the layout (kit_cgroup_detect) in cg->version.  On v2 the three
 *       controllers share one directory: make it once.
 *     scratch_cgroup_set_limits: write the limits that were asked for (0 means none) into the
 *       interface files of the group - their names and formats differ between v1 and v2 (see
 *       the kernel's Documentation/admin-guide/cgroup-v2.rst and cgroup-v1/).  --cpus is a quota
 *       per 100 ms period; --memory holds memory *and* swap to the same amount, so a hog is
 *       OOM-killed rather than swapped out (where the swap file exists: the kernel may have
 *       swap accounting off).
 *     scratch_cgroup_join: move PID into the group (every directory).
 *     scratch_cgroup_remove: remove every directory made; a group empties only when its last
 *       process has finished exiting (rmdir says EBUSY until then), so retry for a while.
 *     Kernel rules: a cgroup is a directory - mkdir creates it with its interface files, rmdir
 *     removes it once empty (the interface files do not count).  Values are written as text;
 *     a process joins by writing its PID.  On v2 a controller's files appear in a group only
 *     when the parent lists it in cgroup.subtree_control (the kit's parent directory does).
 *     All before the gate opens: children inherit their parent's cgroup at fork. */
static int write_cg_file(const char *dir, const char *file, const char *text, bool optional)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
        return kit_fail("path too long: %s/%s", dir, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 && optional && errno == ENOENT)
        return 0;
    if (fd < 0)
        return kit_fail_errno("open %s", path);
    size_t len = strlen(text);
    bool whole = write(fd, text, len) == (ssize_t)len; /* cgroupfs takes a value in one write */
    int err = errno;
    close(fd);
    if (whole)
        return 0;
    errno = err ? err : EIO;
    return kit_fail_errno("write '%s' to %s", text, path);
}

int scratch_cgroup_create(struct scratch_cgroup *cg, const char *name)
{
    memset(cg, 0, sizeof(*cg));
    cg->version = kit_cgroup_detect();
    for (int i = 0; i < SCRATCH_CG_N; i++) {
        char parent[PATH_MAX - 64];
        if (kit_cgroup_parent_dir(scratch_cgroup_controllers[i], parent, sizeof(parent)) < 0)
            return -1;
        snprintf(cg->dir[i], sizeof(cg->dir[i]), "%s/%s", parent, name);
        bool made = false; /* v2, or v1 with controllers mounted together: one directory */
        for (int j = 0; j < i; j++)
            made = made || strcmp(cg->dir[j], cg->dir[i]) == 0;
        if (!made && mkdir(cg->dir[i], 0755) < 0) {
            kit_fail_errno("mkdir %s", cg->dir[i]);
            cg->dir[i][0] = '\0';
            return -1;
        }
    }
    return 0;
}

int scratch_cgroup_set_limits(const struct scratch_cgroup *cg, const struct scratch_config *cfg)
{
    const char *cpu = cg->dir[SCRATCH_CG_CPU], *mem = cg->dir[SCRATCH_CG_MEMORY];
    const char *pids = cg->dir[SCRATCH_CG_PIDS];
    const long period = 100000;
    char text[64];
    if (cfg->cpus > 0) {
        long quota = (long)(cfg->cpus * period);
        if (cg->version == KIT_CGROUP_V2) {
            snprintf(text, sizeof(text), "%ld %ld", quota, period);
            if (write_cg_file(cpu, "cpu.max", text, false) < 0)
                return -1;
        } else {
            snprintf(text, sizeof(text), "%ld", period);
            if (write_cg_file(cpu, "cpu.cfs_period_us", text, false) < 0)
                return -1;
            snprintf(text, sizeof(text), "%ld", quota);
            if (write_cg_file(cpu, "cpu.cfs_quota_us", text, false) < 0)
                return -1;
        }
    }
    if (cfg->memory_bytes > 0) {
        snprintf(text, sizeof(text), "%lld", cfg->memory_bytes);
        if (cg->version == KIT_CGROUP_V2) {
            if (write_cg_file(mem, "memory.max", text, false) < 0 ||
                write_cg_file(mem, "memory.swap.max", "0", true) < 0)
                return -1;
        } else if (write_cg_file(mem, "memory.limit_in_bytes", text, false) < 0 ||
                   write_cg_file(mem, "memory.memsw.limit_in_bytes", text, true) < 0) {
            return -1; /* memsw after memory: it may never be below the memory limit */
        }
    }
    if (cfg->pids_max > 0) {
        snprintf(text, sizeof(text), "%ld", cfg->pids_max);
        if (write_cg_file(pids, "pids.max", text, false) < 0)
            return -1;
    }
    return 0;
}

int scratch_cgroup_join(const struct scratch_cgroup *cg, pid_t pid)
{
    char text[32];
    snprintf(text, sizeof(text), "%d", (int)pid);
    for (int i = 0; i < SCRATCH_CG_N; i++) {
        bool done = false;
        for (int j = 0; j < i; j++)
            done = done || strcmp(cg->dir[j], cg->dir[i]) == 0;
        if (!done && write_cg_file(cg->dir[i], "cgroup.procs", text, false) < 0)
            return -1;
    }
    return 0;
}

int scratch_cgroup_remove(struct scratch_cgroup *cg)
{
    int rc = 0;
    for (int i = 0; i < SCRATCH_CG_N; i++) {
        if (!cg->dir[i][0])
            continue;
        int tries = 0;
        while (rmdir(cg->dir[i]) < 0 && errno == EBUSY && ++tries < 200)
            nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
        if (access(cg->dir[i], F_OK) == 0)
            rc = kit_fail_errno("rmdir %s", cg->dir[i]);
        for (int j = i + 1; j < SCRATCH_CG_N; j++) /* a shared directory is gone for all */
            if (strcmp(cg->dir[j], cg->dir[i]) == 0)
                cg->dir[j][0] = '\0';
        cg->dir[i][0] = '\0';
    }
    return rc;
}
/* <<< 2.7 stub: static int write_cg_file(const char *d, const char *f, const char *t, bool o) { (void)d; (void)f; (void)t; (void)o; errno = ENOSYS; return -1; } int scratch_cgroup_create(struct scratch_cgroup *cg, const char *name) { (void)name; (void)write_cg_file; memset(cg, 0, sizeof(*cg)); errno = ENOSYS; return kit_fail("cgroup: not implemented"); } int scratch_cgroup_set_limits(const struct scratch_cgroup *cg, const struct scratch_config *cfg) { (void)cg; (void)cfg; errno = ENOSYS; return -1; } int scratch_cgroup_join(const struct scratch_cgroup *cg, pid_t pid) { (void)cg; (void)pid; errno = ENOSYS; return -1; } int scratch_cgroup_remove(struct scratch_cgroup *cg) { (void)cg; return 0; } */

/* How many times the OOM killer struck in the group: "oom_kill N" in v2 memory.events or in
 * v1 memory.oom_control.  0 when the file or the line is not there. */
unsigned long long scratch_cgroup_oom_kills(const struct scratch_cgroup *cg)
{
    char path[PATH_MAX + 32], line[128];
    const char *file = cg->version == KIT_CGROUP_V2 ? "memory.events" : "memory.oom_control";
    snprintf(path, sizeof(path), "%s/%s", cg->dir[SCRATCH_CG_MEMORY], file);
    FILE *f = cg->dir[SCRATCH_CG_MEMORY][0] ? fopen(path, "re") : NULL;
    unsigned long long n = 0;
    while (f && fgets(line, sizeof(line), f))
        if (sscanf(line, "oom_kill %llu", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}
