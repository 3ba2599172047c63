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
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <linux/mount.h>
#include <sys/syscall.h>

#include "kit/err.h"
#include "kit/rootfs.h" /* kit_make_mount_point */

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

/* Alternative 2.8: propagation changed with mount_setattr(2) (AT_RECURSIVE), read-only with
 * mount_setattr's MOUNT_ATTR_RDONLY: it sets only the attribute it names, so the locked flags
 * of a user namespace are never touched. */
static int setattr(const char *path, struct mount_attr *attr)
{
    if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, attr, sizeof(*attr)) < 0)
        return kit_fail_errno("mount_setattr %s", path);
    return 0;
}

int scratch_remount_readonly(const char *path)
{
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    return setattr(path, &attr);
}

static int bind_rootfs_and_mounts(const struct scratch_config *cfg)
{
    struct mount_attr private = {.propagation = MS_PRIVATE};
    if (setattr("/", &private) < 0)
        return -1;
    if (mount(cfg->rootfs, cfg->rootfs, "none", MS_BIND | MS_REC, NULL) != 0)
        return kit_fail_errno("bind %s", cfg->rootfs);
    if (chdir(cfg->rootfs) != 0)
        return kit_fail_errno("chdir %s", cfg->rootfs);
    for (const struct scratch_mount *m = cfg->mounts; m < cfg->mounts + cfg->n_mounts; m++) {
        char dst[PATH_MAX];
        struct stat st;
        if (stat(m->src, &st) != 0)
            return kit_fail_errno("--mount %s", m->src);
        if (inside(dst, m->dst) < 0 || refuse_symlinks(dst) < 0 ||
            kit_make_mount_point(dst, S_ISDIR(st.st_mode)) < 0)
            return -1;
        if (mount(m->src, dst, "none", MS_BIND | MS_REC, NULL) != 0)
            return kit_fail_errno("bind %s", m->src);
        if (m->readonly && scratch_remount_readonly(dst) < 0)
            return -1;
    }
    return 0;
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

/* The steps in the container's own root (2.15, 2.16), only once "/" is the directory ROOTFS
 * was before the pivot: an unfinished 2.10 must not lead them to the host's /dev or root. */
static int finish_root(const struct scratch_config *cfg, const struct stat *rootfs)
{
    struct stat root;
    if (stat("/", &root) < 0 || root.st_dev != rootfs->st_dev || root.st_ino != rootfs->st_ino)
        return 0;
    if (scratch_mount_mqueue() < 0)
        return -1;
    return cfg->read_only ? scratch_make_root_readonly() : 0;
}

int scratch_child_main(void *arg)
{
    struct scratch_config *cfg = arg;
    if (kit_gate_wait(&cfg->gate) < 0)
        return 1; /* the parent failed (and said why) or died */
    struct stat rootfs;
    if (bind_rootfs_and_mounts(cfg) < 0 || stat(".", &rootfs) < 0 ||
        become_root_and_enter_cgroup_ns(cfg) < 0 || scratch_mount_system_and_pivot(cfg) < 0 ||
        finish_root(cfg, &rootfs) < 0 || set_hostname(cfg) < 0 ||
        (!cfg->net_host && loopback_up() < 0))
        return 1;
    set_environment(cfg);
    if (scratch_drop_capabilities() < 0 || scratch_become_user(cfg) < 0 ||
        scratch_load_seccomp() < 0)
        return 1;
    return scratch_init_run(cfg->argv);
}
