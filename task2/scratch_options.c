/* scratch_options.c - the command line of scratch_container (no kernel work here). */
#include "scratch.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit/err.h"
#include "kit/parse.h"

void scratch_usage(void)
{
    fprintf(stderr,
            "usage: %s [options] ROOTFS CMD [ARGS...]\n"
            "  --hostname NAME       hostname inside (default: scratch)\n"
            "  --memory BYTES        memory limit, k/m/g suffix allowed (e.g. 64m)\n"
            "  --cpus FRACTION       CPU limit in cores (e.g. 0.5)\n"
            "  --pids N              at most N processes\n"
            "  --mount SRC:DST[:ro]  bind host path SRC on DST inside (repeatable)\n"
            "  --userns[=FIRST-LAST] map container ids 0.. to host ids FIRST..LAST\n"
            "                        (default 100000-165535)\n"
            "  --net none|host       new empty network namespace (default) or the host's\n"
            "  --read-only           the container's root filesystem is read-only\n"
            "  --user UID[:GID]      run CMD as this user and group of the container (GID\n"
            "                        defaults to UID), with no capabilities\n"
            "  --rootless            for an unprivileged caller: container root is your own\n"
            "                        uid and gid, no cgroup (no --memory, --cpus, --pids)\n",
            kit_prog());
}

/* "64m" -> 67108864.  -1 on anything but a positive number with an optional k/m/g suffix. */
static long long parse_bytes(const char *text)
{
    long long bytes;
    return kit_parse_size(text, 1, &bytes) < 0 ? -1 : bytes;
}

static int parse_mount(char *spec, struct scratch_config *cfg)
{
    if (cfg->n_mounts == SCRATCH_MAX_MOUNTS)
        return kit_fail("--mount: at most %d mounts", SCRATCH_MAX_MOUNTS);
    struct scratch_mount *m = &cfg->mounts[cfg->n_mounts];
    char *dst = strchr(spec, ':');
    if (!dst || dst == spec)
        return kit_fail("--mount '%s': expected SRC:DST[:ro]", spec);
    *dst++ = '\0';
    char *opt = strchr(dst, ':');
    if (opt) {
        *opt++ = '\0';
        if (strcmp(opt, "ro") != 0 && strcmp(opt, "rw") != 0)
            return kit_fail("--mount: unknown option '%s' (ro or rw)", opt);
        m->readonly = strcmp(opt, "ro") == 0;
    }
    if (dst[0] != '/' || strcmp(dst, "/") == 0 || strstr(dst, ".."))
        return kit_fail("--mount: DST '%s' must be an absolute path below / without '..'", dst);
    /* proc, sys and dev are mounted fresh after the bind mounts and would cover them. */
    static const char *const reserved[] = {"/proc", "/sys", "/dev"};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(reserved[i]);
        if (strncmp(dst, reserved[i], n) == 0 && (dst[n] == '\0' || dst[n] == '/'))
            return kit_fail("--mount: DST '%s' is below %s, which is not supported", dst,
                            reserved[i]);
    }
    m->src = spec;
    m->dst = dst;
    cfg->n_mounts++;
    return 0;
}

static int parse_id_range(const char *text, struct scratch_config *cfg)
{
    unsigned long first, last;
    char tail;
    if (sscanf(text, "%lu-%lu%c", &first, &last, &tail) != 2 || first == 0 || last < first ||
        last > 0xfffffffeUL)
        return kit_fail("--userns '%s': expected FIRST-LAST host ids, e.g. 100000-165535", text);
    cfg->userns = true;
    cfg->id_base = first;
    cfg->id_count = last - first + 1;
    return 0;
}

/* "1000" or "1000:100": container ids, below 2^32 - 1 (which means "no id" to the kernel). */
static int parse_user(char *text, struct scratch_config *cfg)
{
    long uid, gid;
    char *colon = strchr(text, ':');
    if (colon)
        *colon = '\0';
    bool bad = kit_parse_count(text, 0, 0xfffffffeL, &uid) < 0 ||
               (colon && kit_parse_count(colon + 1, 0, 0xfffffffeL, &gid) < 0);
    if (colon)
        *colon = ':';
    if (bad)
        return kit_fail("--user '%s': expected UID or UID:GID, numbers, e.g. 1000:1000", text);
    cfg->as_user = true;
    cfg->uid = (uid_t)uid;
    cfg->gid = (gid_t)(colon ? gid : uid);
    return 0;
}

/* What only the whole command line can tell. */
static int check_combinations(const struct scratch_config *cfg)
{
    bool limits = cfg->memory_bytes > 0 || cfg->cpus > 0 || cfg->pids_max > 0;
    if (cfg->rootless && cfg->userns)
        return kit_fail("--rootless and --userns: choose one (--rootless maps your own ids)");
    if (cfg->rootless && limits)
        return kit_fail("--rootless: --memory, --cpus and --pids need a cgroup, which needs root");
    if (cfg->as_user && cfg->rootless && (cfg->uid != 0 || cfg->gid != 0))
        return kit_fail("--user with --rootless: only id 0 (your own) is mapped");
    if (cfg->as_user && cfg->userns && (cfg->uid >= cfg->id_count || cfg->gid >= cfg->id_count))
        return kit_fail("--user: ids up to %lu are mapped by --userns", cfg->id_count - 1);
    return 0;
}

int scratch_parse_options(int argc, char **argv, struct scratch_config *cfg)
{
    enum { OPT_HOSTNAME = 1, OPT_MEMORY, OPT_CPUS, OPT_PIDS, OPT_MOUNT, OPT_USERNS, OPT_NET,
           OPT_READ_ONLY, OPT_USER, OPT_ROOTLESS };
    static const struct option options[] = {
        {"hostname", required_argument, NULL, OPT_HOSTNAME},
        {"memory", required_argument, NULL, OPT_MEMORY},
        {"cpus", required_argument, NULL, OPT_CPUS},
        {"pids", required_argument, NULL, OPT_PIDS},
        {"mount", required_argument, NULL, OPT_MOUNT},
        {"userns", optional_argument, NULL, OPT_USERNS},
        {"net", required_argument, NULL, OPT_NET},
        {"read-only", no_argument, NULL, OPT_READ_ONLY},
        {"user", required_argument, NULL, OPT_USER},
        {"rootless", no_argument, NULL, OPT_ROOTLESS},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    cfg->hostname = "scratch";
    int opt;
    /* "+": stop at the first non-option, so CMD's own options are left to CMD. */
    while ((opt = getopt_long(argc, argv, "+h", options, NULL)) != -1) {
        switch (opt) {
        case OPT_HOSTNAME:
            if (!*optarg || strlen(optarg) > 64)
                return kit_fail("--hostname: 1 to 64 characters");
            cfg->hostname = optarg;
            break;
        case OPT_MEMORY:
            if ((cfg->memory_bytes = parse_bytes(optarg)) < 0)
                return kit_fail("--memory '%s': expected bytes, e.g. 64m or 1g", optarg);
            break;
        case OPT_CPUS:
            if (kit_parse_cpus(optarg, &cfg->cpus) < 0)
                return kit_fail("--cpus '%s': expected a number of cores, e.g. 0.5", optarg);
            break;
        case OPT_PIDS:
            if (kit_parse_count(optarg, 1, KIT_PIDS_MAX, &cfg->pids_max) < 0)
                return kit_fail("--pids '%s': expected a positive count", optarg);
            break;
        case OPT_MOUNT:
            if (parse_mount(optarg, cfg) < 0)
                return -1;
            break;
        case OPT_USERNS:
            if (parse_id_range(optarg ? optarg : "100000-165535", cfg) < 0)
                return -1;
            break;
        case OPT_NET:
            if (strcmp(optarg, "none") != 0 && strcmp(optarg, "host") != 0)
                return kit_fail("--net '%s': expected none or host", optarg);
            cfg->net_host = strcmp(optarg, "host") == 0;
            break;
        case OPT_READ_ONLY:
            cfg->read_only = true;
            break;
        case OPT_USER:
            if (parse_user(optarg, cfg) < 0)
                return -1;
            break;
        case OPT_ROOTLESS:
            cfg->rootless = true;
            break;
        case 'h':
            scratch_usage();
            exit(0);
        default:
            scratch_usage();
            return -1;
        }
    }
    if (argc - optind < 2) {
        scratch_usage();
        return -1;
    }
    if (check_combinations(cfg) < 0)
        return -1;
    cfg->rootfs = argv[optind];
    cfg->argv = &argv[optind + 1];
    return 0;
}
