/* exec.c - `conductor exec NAME [-- CMD ARGS...]`: run another process inside a running
 * container, as `nsenter --target PID --all` + `chroot` would.
 *
 * setns(2) moves the caller into one namespace of another process.  The PID namespace is the
 * exception: it changes only where the caller's *children* go, so we fork after joining and
 * the child is the container's new process (PID 2, 3 ... inside).  The mount namespace must
 * come last: once in it, /proc/PID/... of the host is out of reach, so every namespace file
 * and the root directory are opened first. */
#include "conductor.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "kit/err.h"
#include "kit/exec.h"
#include "kit/ns.h"
#include "kit/run.h"

/* TODO 3.b: Enter the container, as `nsenter --target PID --all` + `chroot` would:
 *     join_cgroups(c): move this process into each cgroup the container's PID 1 was put in
 *       (the "cgroup=DIR" lines of c->dir/config; record_load/record_get read them): a
 *       process joins a group by writing its PID to the group's cgroup.procs (cgroups(7)), so
 *       the container's limits apply to what exec starts too.
 *     join_container(pid): the namespaces and the root of process PID (the container's PID 1).
 *       Each namespace is a file /proc/PID/ns/NAME that setns(2) takes; /proc/PID/root is the
 *       root directory (proc(5)).  Which namespaces did run give PID 1?  Once you are in its
 *       mount namespace the host's /proc is gone, so open everything before the first setns,
 *       and join the mount namespace last.  Then make the opened root your "/" (fchdir(2),
 *       chroot(2)).  Only children enter a PID namespace: the caller forks afterwards.
 *     Each returns 0, or -1 after a message.
 *     Test: conductor exec NAME -- readlink /proc/self/ns/uts equals /proc/PID/ns/uts */
/* Alternative: the cgroups joined with stdio ("0" means the writer itself), the namespaces
 * joined in one setns(2) call on a pidfd (Linux 5.8), the root opened before. */
static int join_cgroups(const struct container *c)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/config", c->dir);
    FILE *config = fopen(path, "re");
    if (!config)
        return kit_fail_errno("%s", path);
    char line[PATH_MAX + 16];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), config)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "cgroup=", 7) != 0)
            continue;
        snprintf(path, sizeof(path), "%s/cgroup.procs", line + 7);
        FILE *procs = fopen(path, "we");
        if (!procs || fputs("0\n", procs) == EOF || fclose(procs) == EOF)
            rc = kit_fail_errno("join %s", line + 7);
    }
    fclose(config);
    return rc;
}

static int join_container(pid_t pid)
{
    char root[64];
    snprintf(root, sizeof(root), "/proc/%d/root", (int)pid);
    int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (rootfd < 0 || pidfd < 0)
        return kit_fail_errno("open container %d", (int)pid);
    int all = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWPID;
    if (setns(pidfd, all) < 0)
        return kit_fail_errno("setns into %d", (int)pid);
    close(pidfd);
    if (fchdir(rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
        return kit_fail_errno("chroot into %s", root);
    close(rootfd);
    return 0;
}

int cmd_exec(int argc, char **argv)
{
    if (argc < 2 || (argc > 2 && (strcmp(argv[2], "--") != 0 || argc == 3)))
        return usage_error(argv[0]);
    const char *name = argv[1];
    if (!valid_name("container", name))
        return 1;
    struct container c;
    if (container_load(name, &c) < 0)
        return kit_fail("no such container: %s", name), 1;
    if (!c.running)
        return kit_fail("container %s is not running", name), 1;
    struct image img;
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/image", c.dir);
    if (image_read(path, &img) < 0)
        return kit_fail_errno("%s", path), 1;
    if (join_cgroups(&c) < 0 || join_container(c.init_pid) < 0)
        return 1;
    char *shell[] = {"/bin/sh", NULL}, *bash[] = {"/bin/bash", NULL};
    char **cmd = argc > 3 ? argv + 3 : access("/bin/bash", X_OK) == 0 ? bash : shell;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return kit_fail_errno("fork"), 1;
    if (pid == 0) {
        const char *workdir = img.workdir[0] ? img.workdir : "/";
        if (chdir(workdir) < 0)
            kit_fail_errno("chdir %s", workdir);
        char **env = container_environment(&img, name);
        if (kit_exec_prepare(NULL, 0) < 0) {
            kit_fail_errno("reset fds and signals before exec");
            _exit(127);
        }
        execvpe(cmd[0], cmd, env);
        kit_fail_errno("exec %s", cmd[0]);
        _exit(127);
    }
    return kit_wait_status(pid);
}
