/* scratch_rootfs.c - alternative 2.10: pivot_root with a put_old directory (on our own /dev tmpfs) that is detached and
 * removed afterwards, masks with one read-only tmpfs each. */
#include "scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/rootfs.h"

/* Paths in the new root, relative to the cwd (which is it): an absolute path would be looked
 * up through the host's directories, which container root (--userns) may not search. */
static const char *in_root(const char *rel, char *buf)
{
    snprintf(buf, PATH_MAX, "./%s", rel);
    return buf;
}

static int mnt(const char *src, const char *rel, const char *fs, unsigned long fl, const char *o)
{
    char p[PATH_MAX];
    if (kit_make_mount_point(in_root(rel, p), true) < 0)
        return -1;
    return mount(src, p, fs, fl, o) == 0 ? 0 : kit_fail_errno("%s on %s", fs ? fs : src, p);
}

static int system_mounts(bool userns)
{
    const unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (mnt("proc", "proc", "proc", safe, NULL) < 0)
        return -1;
    char p[PATH_MAX];
    if (kit_make_mount_point(in_root("sys", p), true) < 0)
        return -1;
    if (mount("sysfs", p, "sysfs", safe | MS_RDONLY, NULL) != 0) {
        if (errno != EPERM || mount("/sys", p, NULL, MS_BIND | MS_REC, NULL) != 0 ||
            scratch_remount_readonly(p) < 0)
            return kit_fail_errno("sys");
    }
    if (mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=0755,size=16m") < 0)
        return -1;
    const char *nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        char host[64], rel[64];
        struct stat st;
        snprintf(host, sizeof(host), "/dev/%s", nodes[i]);
        snprintf(rel, sizeof(rel), "dev/%s", nodes[i]);
        in_root(rel, p);
        if (stat(host, &st) != 0)
            return kit_fail_errno("%s", host);
        if (!userns) {
            if (mknod(p, S_IFCHR | 0666, st.st_rdev) != 0 || chmod(p, 0666) != 0)
                return kit_fail_errno("mknod %s", p);
        } else if (kit_make_mount_point(p, false) < 0 || mount(host, p, NULL, MS_BIND, NULL) != 0) {
            return kit_fail_errno("bind %s", host);
        }
    }
    if (mnt("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
            "newinstance,ptmxmode=666,mode=620") < 0 ||
        mnt("tmpfs", "dev/shm", "tmpfs", safe, "mode=1777") < 0)
        return -1;
    const char *links[] = {"ptmx", "pts/ptmx", "fd", "/proc/self/fd", "stdin", "/proc/self/fd/0",
                           "stdout", "/proc/self/fd/1", "stderr", "/proc/self/fd/2"};
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i += 2) {
        char rel[64];
        snprintf(rel, sizeof(rel), "dev/%s", links[i]);
        if (symlink(links[i + 1], in_root(rel, p)) != 0)
            return kit_fail_errno("ln %s", p);
    }
    return 0;
}

static int pivot(void)
{
    char old[PATH_MAX];
    if (mkdir(in_root("dev/.old-root", old), 0700) != 0 && errno != EEXIST)
        return kit_fail_errno("mkdir %s", old);
    if (syscall(SYS_pivot_root, ".", old) != 0)
        return kit_fail_errno("pivot_root");
    if (chdir("/") != 0 || mount(NULL, "/dev/.old-root", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
        umount2("/dev/.old-root", MNT_DETACH) != 0 || rmdir("/dev/.old-root") != 0)
        return kit_fail_errno("drop the old root");
    return 0;
}

static int masks(void)
{
    for (size_t i = 0; kit_runc_masked_paths[i]; i++) {
        const char *p = kit_runc_masked_paths[i];
        struct stat st;
        if (lstat(p, &st) != 0)
            continue;
        bool dir = S_ISDIR(st.st_mode);
        if (mount(dir ? "none" : "/dev/null", p, dir ? "tmpfs" : NULL,
                  dir ? MS_RDONLY : MS_BIND, dir ? "size=0" : NULL) != 0)
            return kit_fail_errno("mask %s", p);
    }
    for (size_t i = 0; kit_runc_readonly_paths[i]; i++) {
        const char *p = kit_runc_readonly_paths[i];
        if (access(p, F_OK) == 0 && (mount(p, p, NULL, MS_BIND | MS_REC, NULL) != 0 ||
                                     scratch_remount_readonly(p) < 0))
            return kit_fail_errno("read-only %s", p);
    }
    return 0;
}

int scratch_mount_system_and_pivot(const struct scratch_config *cfg)
{
    return system_mounts(cfg->userns) < 0 || pivot() < 0 || masks() < 0 ? -1 : 0;
}

/* Alternative 2.15: the new mount API - fsopen(2) an mqueue filesystem context (it takes the
 * IPC namespace of the caller), fsmount(2) it with the three flags as mount attributes, and
 * move_mount(2) the detached mount onto /dev/mqueue. */
int scratch_mount_mqueue(void)
{
    if (mkdir("/dev/mqueue", 0755) < 0 && errno != EEXIST)
        return kit_fail_errno("mkdir /dev/mqueue");
    int fs = (int)syscall(SYS_fsopen, "mqueue", FSOPEN_CLOEXEC);
    if (fs < 0)
        return kit_fail_errno("fsopen mqueue");
    int mnt = -1;
    if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
                           MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    int rc = mnt < 0 ? kit_fail_errno("make an mqueue mount") : 0;
    if (rc == 0 && syscall(SYS_move_mount, mnt, "", AT_FDCWD, "/dev/mqueue",
                           MOVE_MOUNT_F_EMPTY_PATH) < 0)
        rc = kit_fail_errno("move_mount onto /dev/mqueue");
    if (mnt >= 0)
        close(mnt);
    close(fs);
    return rc;
}

/* Alternative 2.16: mount_setattr(2) on "/" alone (no AT_RECURSIVE): it sets only the
 * attribute it names, so the locked flags of a user namespace stay as they are. */
int scratch_make_root_readonly(void)
{
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (syscall(SYS_mount_setattr, AT_FDCWD, "/", 0, &attr, sizeof(attr)) < 0)
        return kit_fail_errno("mount_setattr / read-only");
    return 0;
}
