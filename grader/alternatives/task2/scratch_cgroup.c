/* scratch_cgroup.c - alternative 2.7: stdio, a table of (controller, file, value) writes, and
 * the group directories deduplicated as they are made. */
#include "scratch.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kit/cgroup.h"
#include "kit/err.h"

const char *const scratch_cgroup_controllers[SCRATCH_CG_N] = {"cpu", "memory", "pids"};

static bool seen_before(const struct scratch_cgroup *cg, int i)
{
    for (int j = 0; j < i; j++)
        if (strcmp(cg->dir[j], cg->dir[i]) == 0)
            return true;
    return false;
}

/* fprintf into DIR/FILE; a missing optional file (no swap accounting) is fine. */
static int put(const char *dir, const char *file, const char *value, bool optional)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    FILE *f = fopen(path, "we");
    if (!f)
        return optional && errno == ENOENT ? 0 : kit_fail_errno("%s", path);
    int bad = fputs(value, f) < 0;
    bad |= fclose(f) != 0;
    return bad ? kit_fail_errno("write %s to %s", value, path) : 0;
}

int scratch_cgroup_create(struct scratch_cgroup *cg, const char *name)
{
    memset(cg, 0, sizeof(*cg));
    cg->version = kit_cgroup_detect();
    for (int i = 0; i < SCRATCH_CG_N; i++) {
        char base[PATH_MAX / 2];
        if (kit_cgroup_parent_dir(scratch_cgroup_controllers[i], base, sizeof(base)) < 0)
            return -1;
        snprintf(cg->dir[i], PATH_MAX, "%s/%s", base, name);
        if (!seen_before(cg, i) && mkdir(cg->dir[i], 0700) != 0) {
            int err = errno;
            cg->dir[i][0] = '\0';
            errno = err;
            return kit_fail_errno("mkdir %s/%s", base, name);
        }
    }
    return 0;
}

int scratch_cgroup_set_limits(const struct scratch_cgroup *cg, const struct scratch_config *cfg)
{
    char quota[32], period[32], cpumax[64], mem[32], pids[32];
    snprintf(period, sizeof(period), "%d", 100000);
    snprintf(quota, sizeof(quota), "%.0f", cfg->cpus * 100000);
    snprintf(cpumax, sizeof(cpumax), "%s %s", quota, period);
    snprintf(mem, sizeof(mem), "%lld", cfg->memory_bytes);
    snprintf(pids, sizeof(pids), "%ld", cfg->pids_max);
    bool v2 = cg->version == KIT_CGROUP_V2, c = cfg->cpus > 0, m = cfg->memory_bytes > 0;
    const struct { bool when; int ctrl; const char *file, *value; bool optional; } w[] = {
        {c && v2, SCRATCH_CG_CPU, "cpu.max", cpumax, false},
        {c && !v2, SCRATCH_CG_CPU, "cpu.cfs_period_us", period, false},
        {c && !v2, SCRATCH_CG_CPU, "cpu.cfs_quota_us", quota, false},
        {m && v2, SCRATCH_CG_MEMORY, "memory.max", mem, false},
        {m && v2, SCRATCH_CG_MEMORY, "memory.swap.max", "0", true},
        {m && !v2, SCRATCH_CG_MEMORY, "memory.limit_in_bytes", mem, false},
        {m && !v2, SCRATCH_CG_MEMORY, "memory.memsw.limit_in_bytes", mem, true},
        {cfg->pids_max > 0, SCRATCH_CG_PIDS, "pids.max", pids, false},
    };
    for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
        if (w[i].when && put(cg->dir[w[i].ctrl], w[i].file, w[i].value, w[i].optional) < 0)
            return -1;
    return 0;
}

int scratch_cgroup_join(const struct scratch_cgroup *cg, pid_t pid)
{
    char text[16];
    snprintf(text, sizeof(text), "%d\n", pid);
    for (int i = 0; i < SCRATCH_CG_N; i++)
        if (!seen_before(cg, i) && put(cg->dir[i], "cgroup.procs", text, false) < 0)
            return -1;
    return 0;
}

int scratch_cgroup_remove(struct scratch_cgroup *cg)
{
    int rc = 0;
    for (int i = SCRATCH_CG_N - 1; i >= 0; i--) {
        if (!cg->dir[i][0] || seen_before(cg, i))
            continue;
        for (int tries = 0; rmdir(cg->dir[i]) != 0; tries++) {
            if (errno == ENOENT)
                break;
            if (errno != EBUSY || tries == 300) {
                rc = kit_fail_errno("rmdir %s", cg->dir[i]);
                break;
            }
            usleep(10000);
        }
    }
    memset(cg->dir, 0, sizeof(cg->dir));
    return rc;
}

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
