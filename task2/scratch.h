/* scratch.h - what the parts of scratch_container share.
 *
 *   scratch_container.c  main: options, the parent's side (clone, id maps, cgroup, wait, cleanup)
 *   scratch_options.c    parsing the command line into a struct scratch_config
 *   scratch_cgroup.c     the container's cgroup, written through cgroupfs (v1 and v2)
 *   scratch_child.c      the child's side: bind mounts, user and cgroup namespace, hostname
 *   scratch_rootfs.c     the child's new root: proc, sys, dev, mqueue, pivot_root, masks,
 *                        read-only root
 *   scratch_security.c   capabilities, the --user ids, no_new_privs, seccomp: the last steps
 *                        before CMD
 *   scratch_init.c       the container's PID 1: runs CMD, reaps orphans, forwards signals
 */
#ifndef SCRATCH_H
#define SCRATCH_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "kit/cgroup.h"

#include "kit/sync.h"

#define SCRATCH_MAX_MOUNTS 16

struct scratch_mount {
    const char *src; /* host path */
    char *dst;       /* absolute path inside the container */
    bool readonly;
};

struct scratch_config {
    const char *rootfs;
    char **argv;              /* CMD ARGS..., NULL-terminated */
    const char *hostname;
    long long memory_bytes;   /* 0: no limit */
    double cpus;              /* 0: no limit */
    long pids_max;            /* 0: no limit */
    bool userns;              /* map container root to host ids [id_base, id_base + id_count) */
    unsigned long id_base, id_count;
    bool net_host;            /* share the host's network namespace (--net host) */
    bool rootless;            /* started by an unprivileged user: container root is the caller's
                               * own uid and gid (the only ids it may map), no cgroup */
    bool read_only;           /* the container's root filesystem is read-only (--read-only) */
    bool as_user;             /* --user: CMD runs as uid:gid (container ids), no capabilities */
    uid_t uid;
    gid_t gid;
    struct scratch_mount mounts[SCRATCH_MAX_MOUNTS];
    int n_mounts;
    struct kit_gate gate;     /* the parent opens it once the maps and the cgroup are ready */
};

/* scratch_options.c: fill CFG from argv; -1 after printing one line on bad input. */
int scratch_parse_options(int argc, char **argv, struct scratch_config *cfg);
void scratch_usage(void);

/* scratch_cgroup.c: the container's cgroup.  dir[] holds one directory per controller (the
 * same one three times on v2); "" where none was made.  Each returns 0, or -1 after a message. */
enum { SCRATCH_CG_CPU, SCRATCH_CG_MEMORY, SCRATCH_CG_PIDS, SCRATCH_CG_N };
extern const char *const scratch_cgroup_controllers[SCRATCH_CG_N]; /* "cpu", "memory", "pids" */
struct scratch_cgroup {
    enum kit_cgroup_version version;
    char dir[SCRATCH_CG_N][PATH_MAX];
};
int scratch_cgroup_create(struct scratch_cgroup *cg, const char *name);
int scratch_cgroup_set_limits(const struct scratch_cgroup *cg, const struct scratch_config *cfg);
int scratch_cgroup_join(const struct scratch_cgroup *cg, pid_t pid);
int scratch_cgroup_remove(struct scratch_cgroup *cg);
unsigned long long scratch_cgroup_oom_kills(const struct scratch_cgroup *cg);

/* scratch_rootfs.c: in the new root (the cwd), mount proc, sys and dev, pivot_root into it,
 * then mask and protect what runc's default spec does.  0, or -1 after a message. */
int scratch_mount_system_and_pivot(const struct scratch_config *cfg);
/* After the pivot: the IPC namespace's mqueue filesystem on /dev/mqueue (2.15), and (2.16,
 * --read-only) the root mount read-only.  0, or -1 after a message. */
int scratch_mount_mqueue(void);
int scratch_make_root_readonly(void);

/* scratch_child.c (2.8): remount the bind mount at PATH read-only.  0, or -1 after a message. */
int scratch_remount_readonly(const char *path);

/* scratch_child.c: the function clone(2) runs; never returns to the caller's code. */
int scratch_child_main(void *cfg);

/* scratch_security.c */
int scratch_drop_capabilities(void);
int scratch_become_user(const struct scratch_config *cfg); /* --user; 0 when not asked */
int scratch_load_seccomp(void);
/* The Docker default capability set as a CapEff-style bit mask (for messages and tests). */
unsigned long long scratch_default_caps_mask(void);

/* scratch_init.c: run ARGV as the child of a minimal init; returns the exit status to use. */
int scratch_init_run(char **argv);

#endif
