/* scratch.h - what the parts of scratch_container share.
 *
 *   scratch_container.c  main: options, the parent's side (clone, id maps, cgroup, wait, cleanup)
 *   scratch_options.c    parsing the command line into a struct scratch_config
 *   scratch_child.c      the child's side: mounts, pivot_root, hostname, in that order
 *   scratch_security.c   capabilities, no_new_privs, seccomp: the last steps before CMD
 *   scratch_init.c       the container's PID 1: runs CMD, reaps orphans, forwards signals
 */
#ifndef SCRATCH_H
#define SCRATCH_H

#include <stdbool.h>
#include <sys/types.h>

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
    struct scratch_mount mounts[SCRATCH_MAX_MOUNTS];
    int n_mounts;
    struct kit_gate gate;     /* the parent opens it once the maps and the cgroup are ready */
};

/* scratch_options.c: fill CFG from argv; -1 after printing one line on bad input. */
int scratch_parse_options(int argc, char **argv, struct scratch_config *cfg);
void scratch_usage(void);

/* scratch_child.c: the function clone(2) runs; never returns to the caller's code. */
int scratch_child_main(void *cfg);

/* scratch_security.c */
int scratch_drop_capabilities(void);
int scratch_load_seccomp(void);
/* The Docker default capability set as a CapEff-style bit mask (for messages and tests). */
unsigned long long scratch_default_caps_mask(void);

/* scratch_init.c: run ARGV as the child of a minimal init; returns the exit status to use. */
int scratch_init_run(char **argv);

#endif
