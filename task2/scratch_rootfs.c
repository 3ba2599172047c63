/* scratch_rootfs.c - the container's new root (part 2.10): the system filesystems it needs,
 * pivot_root into it, and what runc hides or protects.  Runs in the child, in the new root
 * (the cwd, bound on itself by 2.8), after it became root of its user namespace (2.9).
 * Then, in the new root: the IPC namespace's message queues (2.15), --read-only (2.16). */
#include "scratch.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/rootfs.h" /* kit_make_mount_point, kit_runc_masked_paths, kit_runc_readonly_paths */

/* >>> 2.10 In the new root (the cwd, "."), in this order:
 *     1. proc on ./proc;  2. sysfs on ./sys, read-only;
 *     3. ./dev: a small tmpfs holding the device nodes a program expects (null, zero, full,
 *        random, urandom, tty - the same numbers as the host's, see ls -l /dev), a new devpts
 *        instance on ./dev/pts with ./dev/ptmx pointing into it, a tmpfs on ./dev/shm, and the
 *        links fd, stdin, stdout, stderr into /proc/self/fd;
 *     4. pivot_root into ".", then detach the old root;
 *     5. hide each of kit_runc_masked_paths that exists (a file under /dev/null, a directory
 *        under an empty read-only tmpfs) and make each of kit_runc_readonly_paths read-only
 *        (a bind on itself, then scratch_remount_readonly from 2.8).
 *     Kernel rules: proc shows the PID namespace of the process that mounts it.  Only a
 *     process with CAP_MKNOD in the *initial* user namespace may create device nodes: under
 *     --userns, bind each one from the host's /dev onto an empty file.  A fresh sysfs shows
 *     the mounter's network namespace, and a user namespace that does not own that network
 *     namespace may not mount one (--userns --net host): a read-only bind of the host's /sys
 *     is what runc uses then.  pivot_root(2) (see its NOTES) accepts "." for both arguments;
 *     the old root then sits on top of the new one until umount2(MNT_DETACH) - until then the
 *     whole host is one ".." away; make it a slave first so the unmount cannot propagate.
 *     Masks come after the pivot, on the container's own proc.  Add MS_NOSUID, MS_NODEV,
 *     MS_NOEXEC where a filesystem has no business with them.
 *     Observe: cat /proc/self/mountinfo inside; ls /.. inside. */
static int mount_at(const char *src, const char *dst, const char *type, unsigned long flags,
                    const char *data)
{
    if (kit_make_mount_point(dst, true) < 0)
        return -1;
    if (mount(src, dst, type, flags, data) < 0)
        return kit_fail_errno("mount %s on %s", type ? type : src, dst);
    return 0;
}

static int mount_sys(void)
{
    unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
    if (kit_make_mount_point("sys", true) < 0)
        return -1;
    if (mount("sysfs", "sys", "sysfs", flags | MS_RDONLY, NULL) == 0)
        return 0;
    if (errno != EPERM)
        return kit_fail_errno("mount sysfs on sys");
    if (mount("/sys", "sys", NULL, MS_BIND | MS_REC, NULL) < 0)
        return kit_fail_errno("bind /sys on sys");
    return scratch_remount_readonly("sys");
}

static int make_dev_node(const char *name, unsigned major, unsigned minor, bool userns)
{
    char path[64], host[64];
    snprintf(path, sizeof(path), "dev/%s", name);
    if (!userns) {
        if (mknod(path, S_IFCHR | 0666, makedev(major, minor)) < 0 || chmod(path, 0666) < 0)
            return kit_fail_errno("mknod %s", path);
        return 0;
    }
    snprintf(host, sizeof(host), "/dev/%s", name);
    if (kit_make_mount_point(path, false) == 0 && mount(host, path, NULL, MS_BIND, NULL) == 0)
        return 0;
    return kit_fail_errno("the host's %s on %s", host, path);
}

static int mount_dev(bool userns)
{
    static const struct { const char *name; unsigned major, minor; } nodes[] = {
        {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9},
        {"tty", 5, 0},
    };
    static const char *const links[][2] = {
        {"dev/ptmx", "pts/ptmx"},          {"dev/fd", "/proc/self/fd"},
        {"dev/stdin", "/proc/self/fd/0"},  {"dev/stdout", "/proc/self/fd/1"},
        {"dev/stderr", "/proc/self/fd/2"},
    };
    if (mount_at("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k") < 0)
        return -1;
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++)
        if (make_dev_node(nodes[i].name, nodes[i].major, nodes[i].minor, userns) < 0)
            return -1;
    if (mount_at("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                 "newinstance,ptmxmode=0666,mode=0620") < 0 ||
        mount_at("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 "mode=1777,size=65536k") < 0)
        return -1;
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (symlink(links[i][1], links[i][0]) < 0)
            return kit_fail_errno("symlink %s", links[i][0]);
    return 0;
}

static int pivot_into_cwd(void)
{
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return kit_fail_errno("pivot_root");
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return kit_fail_errno("make the old root a slave");
    if (umount2(".", MNT_DETACH) < 0)
        return kit_fail_errno("detach the old root");
    if (chdir("/") < 0)
        return kit_fail_errno("chdir /");
    return 0;
}

/* Hide PATH: a directory under an empty read-only tmpfs, anything else under /dev/null. */
static int mask_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return errno == ENOENT ? 0 : kit_fail_errno("stat %s", path);
    int rc;
    if (S_ISDIR(st.st_mode))
        rc = mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                   "size=0,mode=0555");
    else
        rc = mount("/dev/null", path, NULL, MS_BIND, NULL);
    return rc < 0 ? kit_fail_errno("hide %s", path) : 0;
}

static int mask_and_protect(void)
{
    for (const char *const *p = kit_runc_masked_paths; *p; p++)
        if (mask_path(*p) < 0)
            return -1;
    for (const char *const *p = kit_runc_readonly_paths; *p; p++) {
        if (access(*p, F_OK) < 0)
            continue; /* not in this kernel's proc */
        if (mount(*p, *p, NULL, MS_BIND | MS_REC, NULL) < 0)
            return kit_fail_errno("bind %s on itself", *p);
        if (scratch_remount_readonly(*p) < 0)
            return -1;
    }
    return 0;
}

int scratch_mount_system_and_pivot(const struct scratch_config *cfg)
{
    if (mount_at("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
        mount_sys() < 0 || mount_dev(cfg->userns) < 0 || pivot_into_cwd() < 0 ||
        mask_and_protect() < 0)
        return -1;
    return 0;
}
/* <<< 2.10 stub: int scratch_mount_system_and_pivot(const struct scratch_config *cfg) { (void)cfg; return 0; } */

/* After the pivot (scratch_child.c calls these two next), in the container's own root. */
int scratch_mount_mqueue(void)
{
    /* >>> 2.15 Mount the container's own POSIX message queue filesystem on /dev/mqueue (where
     *     mq_overview(7) says it lives, and where Docker and runc mount it), with nosuid,
     *     nodev and noexec.
     *     Kernel rules (ipc_namespaces(7), mq_overview(7)): System V IPC objects and POSIX
     *     message queues belong to an IPC namespace: the container got a new one in 2.5, so
     *     its queues and the host's are already apart.  mq_open(3) needs no mount; the
     *     filesystem is how people *see* queues (ls, cat for their state, rm to remove one).
     *     An mqueue mount shows the queues of the IPC namespace of the process that mounts it,
     *     so only a mount made from inside the container shows the container's: a bind of the
     *     host's /dev/mqueue would show the host's queues.  A user namespace may mount one for
     *     an IPC namespace it owns (--userns, --rootless).
     *     Observe: ls -l /dev/mqueue inside after a program made a queue; cat a queue file. */
    if (kit_make_mount_point("/dev/mqueue", true) < 0)
        return -1;
    if (mount("mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return kit_fail_errno("mount mqueue on /dev/mqueue");
    return 0;
    /* <<< 2.15 stub: return 0; */
}

int scratch_make_root_readonly(void)
{
    /* >>> 2.16 --read-only: make the container's root mount read-only - that one mount: /dev,
     *     /dev/shm, /proc, /sys and the --mount binds keep their own flags, and the host's view
     *     of ROOTFS stays writable.
     *     Kernel rules (mount(2) "Remounting an existing mount", mount_setattr(2)): read-only
     *     is a flag of each mount *and* of each filesystem (its superblock).  A remount without
     *     MS_BIND changes the filesystem: every mount of it, the host's too - run as host root
     *     on a ROOTFS in your root filesystem, that makes the *machine's* root read-only (try
     *     this step on a ROOTFS on a tmpfs of its own, as the walkthrough does).  With MS_BIND
     *     it changes only the one mount, never the mounts below it; mount_setattr(2) with
     *     AT_RECURSIVE would change those too.  Under --userns the flags the mount already
     *     has are locked: a remount must repeat them (2.8).
     *     Observe: awk '$5 == "/"' /proc/PID/mountinfo of a process inside, from the host. */
    return scratch_remount_readonly("/");
    /* <<< 2.16 stub: return 0; */
}
