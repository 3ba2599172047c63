/* scratch_child.c - the container's side of the start, run by the cloned child.
 * It is PID 1 of a new PID namespace and alone in a copy of the host's mounts; it waits on the
 * gate until the parent has written its id maps and put it in its cgroup. */
#include "scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/rootfs.h"

/* The container's path of a --mount DST, relative to the cwd (the new root before pivot). */
static int inside(char out[PATH_MAX], const char *dst)
{
    int n = snprintf(out, PATH_MAX, ".%s", dst);
    if (n < 0 || n >= PATH_MAX)
        return kit_fail("path too long: %s", dst);
    return 0;
}

/* Refuse a DST whose path inside the rootfs goes through a symlink: before pivot_root an
 * absolute link (say ROOTFS/data -> /etc) would be followed on the *host*, and the mount (and
 * the mkdir of its mount point) would land outside the container. */
static int refuse_symlinks(const char *rel)
{
    char prefix[PATH_MAX];
    for (const char *p = strchr(rel + 2, '/');; p = strchr(p + 1, '/')) {
        size_t len = p ? (size_t)(p - rel) : strlen(rel);
        snprintf(prefix, sizeof(prefix), "%.*s", (int)len, rel);
        struct stat st;
        if (lstat(prefix, &st) < 0) {
            if (errno == ENOENT)
                return 0; /* the rest is created as plain directories */
            return kit_fail_errno("--mount: %s", prefix + 1);
        }
        if (S_ISLNK(st.st_mode))
            return kit_fail("--mount: %s is a symlink in the rootfs; give the real path", prefix + 1);
        if (!p)
            return 0;
    }
}

static int bind_rootfs_and_mounts(const struct scratch_config *cfg)
{
    /* >>> 2.8 Bind ROOTFS on itself and chdir into it, then bind each --mount SRC on ./DST
     *     (creating the mount point - refuse_symlinks() first; read-only if asked).  (Our
     *     mounts are already private.)
     *     Kernel rules: pivot_root(2) needs the new root to be a mount point, hence the bind;
     *     a chdir by *path* after the bind lands on the new mount (a cwd taken before it would
     *     stay below it).  Host paths are looked up with our current ids: we do this before
     *     becoming root of the user namespace (2.9), while we are still the host's root,
     *     so a rootfs or SRC inside a directory only root may enter (mode 0700) is reachable.
     *     Hint: kit/rootfs.h. */
    if (kit_bind_mount(cfg->rootfs, cfg->rootfs, false) < 0)
        return -1;
    if (chdir(cfg->rootfs) < 0)
        return kit_fail_errno("chdir %s", cfg->rootfs);
    for (int i = 0; i < cfg->n_mounts; i++) {
        const struct scratch_mount *m = &cfg->mounts[i];
        char dst[PATH_MAX];
        struct stat st;
        if (stat(m->src, &st) < 0)
            return kit_fail_errno("--mount %s", m->src);
        if (inside(dst, m->dst) < 0 || refuse_symlinks(dst) < 0 ||
            kit_make_mount_point(dst, S_ISDIR(st.st_mode)) < 0 ||
            kit_bind_mount(m->src, dst, m->readonly) < 0)
            return -1;
    }
    return 0;
    /* <<< 2.8 stub: (void)cfg; (void)inside; (void)refuse_symlinks; return 0; */
}

static int become_root_and_enter_cgroup_ns(const struct scratch_config *cfg)
{
    /* >>> 2.9 With --userns, become root of the user namespace: setresgid(0,0,0) then
     *     setresuid(0,0,0) (gid first: after dropping the uid we could no longer change it).
     *     Kernel rules: this works only once the parent has written the maps (the gate
     *     guarantees it); our capabilities in the new user namespace are kept, since the uid
     *     goes *to* that namespace's root.  Files we create from now on belong to host uid
     *     id_base.  Then unshare(CLONE_NEWCGROUP): the new cgroup namespace is rooted at the
     *     cgroup we are in now - the container's, where the parent put us - so inside,
     *     /proc/self/cgroup shows "/" and the host's hierarchy above stays hidden. */
    if (cfg->userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        return kit_fail_errno("become root of the user namespace");
    if (unshare(CLONE_NEWCGROUP) < 0)
        return kit_fail_errno("unshare cgroup namespace");
    return 0;
    /* <<< 2.9 stub: (void)cfg; return 0; */
}

static int mount_system_and_pivot(const struct scratch_config *cfg)
{
    /* >>> 2.10 In the new root (the cwd, "."): proc, read-only sysfs, a tmpfs /dev with its
     *     device nodes (bound from the host in a user namespace); then pivot_root into it and
     *     detach the old root; then mask /proc/kcore, /proc/keys ... and make /proc/sys and
     *     /proc/sysrq-trigger read-only, as runc's default spec does.
     *     Kernel rules: proc must be mounted by a process inside the new PID namespace (it
     *     shows the mounter's); after pivot_root the old root is still mounted on "/" until
     *     umount2(MNT_DETACH) - until then the whole host is one ".." away.  Masks come after
     *     the pivot, on the container's own proc.  Hint: kit/rootfs.h. */
    if (kit_mount_proc(".") < 0 || kit_mount_sys(".") < 0 ||
        kit_mount_dev(".", cfg->userns) < 0 || kit_pivot_root(".") < 0 ||
        kit_mask_proc_and_sys() < 0)
        return -1;
    return 0;
    /* <<< 2.10 stub: (void)cfg; return 0; */
}

static int set_hostname(const struct scratch_config *cfg)
{
    /* >>> 2.11 Set the container's hostname: the UTS namespace is ours, so the host's name
     *     does not change. */
    if (sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
        return kit_fail_errno("sethostname %s", cfg->hostname);
    return 0;
    /* <<< 2.11 stub: (void)cfg; return 0; */
}

/* A new network namespace has only "lo", and it is down: bring it up so 127.0.0.1 works. */
static int loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return kit_fail_errno("socket");
    struct ifreq ifr = {0};
    strcpy(ifr.ifr_name, "lo");
    int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
    if (rc == 0) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    }
    if (rc < 0)
        kit_fail_errno("bring up lo");
    close(fd);
    return rc;
}

/* The container's environment: nothing of the host's but TERM. */
static void set_environment(const struct scratch_config *cfg)
{
    const char *term = getenv("TERM");
    char term_copy[64];
    snprintf(term_copy, sizeof(term_copy), "%s", term ? term : "");
    clearenv();
    setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
    setenv("HOME", "/root", 1);
    setenv("HOSTNAME", cfg->hostname, 1);
    if (term_copy[0])
        setenv("TERM", term_copy, 1);
}

int scratch_child_main(void *arg)
{
    struct scratch_config *cfg = arg;
    if (kit_gate_wait(&cfg->gate) < 0)
        return 1; /* the parent failed (and said why) or died */
    /* Our mount namespace is a copy of the host's, and on most hosts "/" is a *shared* mount
     * (systemd makes it so): a mount made below it would appear on the host too.  Making
     * everything private first is what keeps all that follows inside the container. */
    if (kit_make_mounts_private() < 0)
        return 1;
    if (bind_rootfs_and_mounts(cfg) < 0 || become_root_and_enter_cgroup_ns(cfg) < 0 ||
        mount_system_and_pivot(cfg) < 0 || set_hostname(cfg) < 0 ||
        (!cfg->net_host && loopback_up() < 0))
        return 1;
    set_environment(cfg);
    if (scratch_drop_capabilities() < 0 || scratch_load_seccomp() < 0)
        return 1;
    return scratch_init_run(cfg->argv);
}
