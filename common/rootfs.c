/* rootfs.c - the mounts that turn a directory into a container's root (see kit/rootfs.h). */
#include "kit/rootfs.h"
#include "kit/err.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Join ROOT and REL ("proc", "dev/pts") into BUF; -1 with a message when it does not fit. */
static int join(char *buf, size_t len, const char *root, const char *rel)
{
    int n = snprintf(buf, len, "%s/%s", root, rel);
    if (n < 0 || (size_t)n >= len)
        return kit_fail("path too long: %s/%s", root, rel);
    return 0;
}

int kit_make_mount_point(const char *path, bool is_dir)
{
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof(buf))
        return kit_fail("path too long: %s", path);
    strcpy(buf, path);
    /* mkdir -p of every parent, then the last component as a directory or an empty file. */
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return kit_fail_errno("mkdir %s", buf);
        *p = '/';
    }
    if (is_dir) {
        if (mkdir(buf, 0755) < 0 && errno != EEXIST)
            return kit_fail_errno("mkdir %s", buf);
        return 0;
    }
    int fd = open(buf, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && errno != EISDIR)
        return kit_fail_errno("create mount point %s", buf);
    if (fd >= 0)
        close(fd);
    return 0;
}

int kit_make_mounts_private(void)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return kit_fail_errno("make / private");
    return 0;
}

/* The flags a remount must repeat: in a user namespace the kernel refuses (EPERM) a remount
 * that would clear a flag the host set on the mount (nosuid, nodev, noexec and the atime
 * flags are "locked"), so a read-only remount carries the current ones over.  statvfs(3)'s
 * ST_* bits have the values of the MS_* mount flags, relatime excepted. */
#define LOCKED_FLAGS (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME)
_Static_assert((int)ST_NOSUID == (int)MS_NOSUID && (int)ST_NODEV == (int)MS_NODEV &&
                   (int)ST_NOEXEC == (int)MS_NOEXEC && (int)ST_NOATIME == (int)MS_NOATIME &&
                   (int)ST_NODIRATIME == (int)MS_NODIRATIME,
               "statvfs flags are mount flags");

int kit_remount_readonly(const char *path)
{
    /* A bind mount takes its read-only flag only from a second, MS_REMOUNT|MS_BIND call. */
    struct statvfs now;
    if (statvfs(path, &now) != 0)
        return kit_fail_errno("read the mount flags of %s", path);
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | (now.f_flag & LOCKED_FLAGS);
    if (now.f_flag & ST_RELATIME)
        flags |= MS_RELATIME;
    if (mount(NULL, path, NULL, flags, NULL) < 0)
        return kit_fail_errno("remount %s read-only", path);
    return 0;
}

int kit_bind_mount(const char *src, const char *dst, bool readonly)
{
    if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
        return kit_fail_errno("bind %s on %s", src, dst);
    return readonly ? kit_remount_readonly(dst) : 0;
}

struct dev_node {
    const char *name;
    unsigned major, minor;
};

static const struct dev_node dev_nodes[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9},
    {"tty", 5, 0},
};

static int make_dev_node(const char *dev, const struct dev_node *node, bool in_userns)
{
    char path[PATH_MAX], host[64];
    if (join(path, sizeof(path), dev, node->name) < 0)
        return -1;
    if (!in_userns) {
        if (mknod(path, S_IFCHR | 0666, makedev(node->major, node->minor)) < 0)
            return kit_fail_errno("mknod %s", path);
        return chmod(path, 0666) < 0 ? kit_fail_errno("chmod %s", path) : 0;
    }
    /* mknod needs CAP_MKNOD in the *initial* user namespace, so inside a user namespace the
     * node is bound from the host's /dev onto an empty file instead. */
    snprintf(host, sizeof(host), "/dev/%s", node->name);
    if (kit_make_mount_point(path, false) < 0)
        return -1;
    if (mount(host, path, NULL, MS_BIND, NULL) < 0)
        return kit_fail_errno("bind %s on %s", host, path);
    return 0;
}

int kit_mount_dev(const char *root, bool in_userns)
{
    char dev[PATH_MAX], path[PATH_MAX];
    if (join(dev, sizeof(dev), root, "dev") < 0 || kit_make_mount_point(dev, true) < 0)
        return -1;
    if (mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
        return kit_fail_errno("mount tmpfs on %s", dev);
    for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++)
        if (make_dev_node(dev, &dev_nodes[i], in_userns) < 0)
            return -1;

    /* A new devpts instance: the container's ptys are its own, /dev/ptmx points into it. */
    if (join(path, sizeof(path), dev, "pts") < 0 || kit_make_mount_point(path, true) < 0)
        return -1;
    if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620") < 0)
        return kit_fail_errno("mount devpts on %s", path);
    if (join(path, sizeof(path), dev, "shm") < 0 || kit_make_mount_point(path, true) < 0)
        return -1;
    if (mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=1777,size=65536k") < 0)
        return kit_fail_errno("mount tmpfs on %s", path);

    static const char *const links[][2] = {
        {"ptmx", "pts/ptmx"},          {"fd", "/proc/self/fd"},
        {"stdin", "/proc/self/fd/0"},  {"stdout", "/proc/self/fd/1"},
        {"stderr", "/proc/self/fd/2"},
    };
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        if (join(path, sizeof(path), dev, links[i][0]) < 0)
            return -1;
        if (symlink(links[i][1], path) < 0)
            return kit_fail_errno("symlink %s", path);
    }
    return 0;
}

/* runc's default spec (config.json "maskedPaths" and "readonlyPaths"). */
const char *const kit_runc_masked_paths[] = {
    "/proc/acpi",       "/proc/asound",      "/proc/kcore",  "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",       "/sys/firmware",     "/sys/devices/virtual/powercap", NULL,
};
const char *const kit_runc_readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

int kit_mask_proc_and_sys(void)
{
    for (size_t i = 0; kit_runc_masked_paths[i]; i++) {
        struct stat st;
        const char *path = kit_runc_masked_paths[i];
        if (stat(path, &st) < 0) {
            if (errno == ENOENT)
                continue; /* not in this kernel's proc/sysfs: nothing to hide */
            return kit_fail_errno("stat %s", path);
        }
        /* A file is hidden under /dev/null, a directory under an empty read-only tmpfs. */
        int rc = S_ISDIR(st.st_mode)
                     ? mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0,mode=0555")
                     : mount("/dev/null", path, NULL, MS_BIND, NULL);
        if (rc < 0)
            return kit_fail_errno("mask %s", path);
    }
    for (size_t i = 0; kit_runc_readonly_paths[i]; i++) {
        const char *path = kit_runc_readonly_paths[i];
        if (access(path, F_OK) < 0 && errno == ENOENT)
            continue;
        if (kit_bind_mount(path, path, true) < 0)
            return -1;
    }
    return 0;
}
