/* mount_prop - a fresh /proc for a new PID namespace, without touching the host's.
 *
 *   mount_prop [CMD [ARGS...]]
 *
 * The child is cloned into new PID and mount namespaces.  A new mount namespace starts as a
 * copy of the parent's, and on most systems (systemd makes / "shared") every mount in the copy
 * is a peer of the original: mounting proc on /proc in the child would then propagate back and
 * hide the host's /proc.  So the child first makes every mount private, then mounts a proc
 * (one that shows only its own PID namespace) at a scratch path and then on /proc, and finally
 * runs CMD (no shell involved) as PID 1 of the new namespace.
 */
#include "kit/err.h"
#include "kit/exec.h"
#include "kit/exec.h"
#include "kit/mountinfo.h"
#include "kit/ns.h"
#include "kit/run.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#define PROC_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static void report_root_propagation(const char *when)
{
    char how[128];
    if (kit_mount_propagation("/proc/self/mountinfo", "/", how, sizeof(how)) < 0)
        snprintf(how, sizeof(how), "unknown (%s)", strerror(errno));
    printf("Propagation of / %s: %s\n", when, how);
    fflush(stdout);
}

/* Print the PIDs a proc mounted at DIR shows, e.g. "1". */
static void report_pids(const char *label, const char *dir)
{
    DIR *d = opendir(dir);
    printf("%s:", label);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (isdigit((unsigned char)e->d_name[0]))
            printf(" %s", e->d_name);
    if (d)
        closedir(d);
    printf("\n");
    fflush(stdout);
}

static int make_mounts_private(void)
{
    /* >>> 1.6 Stop this namespace's mounts from propagating to the host and back.
     *     0, or -1 with errno.
     *     Hint: mount_namespaces(7), "Shared subtrees": every mount has a propagation type,
     *     and mount(2) changes it (no source, no filesystem type, only flags).  It must
     *     reach every mount below / too, not only / itself. */
    struct mount_attr attr = {.propagation = MS_PRIVATE};
    return mount_setattr(AT_FDCWD, "/", AT_RECURSIVE, &attr, sizeof(attr));
    /* <<< 1.6 stub: return 0; */
}

static int mount_proc_at(const char *dir)
{
    /* >>> 1.7 Mount a new proc filesystem on DIR.  0, or -1 with errno.
     *     Hint: proc(5) and mount(2): a proc filesystem has no device, only its type name.
     *     It shows the PID namespace of the process that mounts it, so mounted here it
     *     lists only the child's namespace.  Proc is mounted without setuid programs,
     *     device files or executables (PROC_FLAGS). */
    /* The new mount API: a filesystem context, a mount made from it, moved onto DIR. */
    int fs = fsopen("proc", FSOPEN_CLOEXEC);
    if (fs < 0)
        return -1;
    int mnt = -1;
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
        mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    close(fs);
    if (mnt < 0)
        return -1;
    int rc = move_mount(mnt, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH);
    close(mnt);
    return rc;
    /* <<< 1.7 stub: (void)dir; errno = ENOSYS; return -1; */
}

/* A fresh proc at a scratch path first: look at it, then take it away again. */
static int try_scratch_proc(void)
{
    char dir[] = "/tmp/mount_prop.XXXXXX";
    if (!mkdtemp(dir))
        return kit_fail_errno("mkdtemp");
    int rc = mount_proc_at(dir);
    if (rc < 0)
        kit_fail_errno("mounting proc on %s", dir);
    else {
        char label[128];
        snprintf(label, sizeof(label), "Processes in the new proc at %s", dir);
        report_pids(label, dir);
        if (umount2(dir, MNT_DETACH) < 0)
            rc = kit_fail_errno("umount %s", dir);
    }
    rmdir(dir);
    return rc;
}

static int child_main(void *arg)
{
    char **cmd = arg;
    if (make_mounts_private() < 0)
        return kit_fail_errno("making / private"), 1;
    report_root_propagation("in the child after making it private");
    if (try_scratch_proc() < 0)
        return 1;
    /* >>> 1.8 Replace /proc for this namespace: a new proc on /proc itself.
     *     Hint: as in 1.7.  The host's /proc stays underneath, untouched thanks to 1.6. */
    if (mount_proc_at("/proc") != 0) {
        kit_fail_errno("no new /proc");
        return 1;
    }
    /* <<< 1.8 stub: errno = ENOSYS; return kit_fail_errno("mounting proc on /proc"), 1; */
    report_pids("Processes in /proc now", "/proc");
    if (!cmd[0])
        return 0;
    if (kit_exec_prepare(NULL, 0) < 0)
        return kit_fail_errno("reset fds and signals before exec"), 127;
    /* >>> 1.8 Run CMD (cmd[0] with arguments cmd, found on $PATH) in place of this process,
     *     so that it is PID 1 of the new namespace.  Return only if that failed.
     *     Hint: exec(3) / execve(2): the process keeps its PID and namespaces. */
    extern char **environ;
    execvpe(cmd[0], cmd, environ);
    /* <<< 1.8 stub: errno = ENOSYS; */
    kit_fail_errno("cannot run %s", cmd[0]);
    return 127;
}

int main(int argc, char **argv)
{
    (void)argc;
    kit_set_prog(argv[0]);
    report_root_propagation("found");
    /* CLONE_NEWPID puts the child (not the caller) in the new PID namespace as its PID 1. */
    pid_t child = kit_clone(CLONE_NEWPID | CLONE_NEWNS, child_main, argv + 1);
    if (child < 0)
        return kit_fail_errno("clone into new PID and mount namespaces"), 1;
    return kit_wait_status(child);
}
