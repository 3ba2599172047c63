/* exec.c - `conductor exec [-it] NAME [--] [CMD ARGS...]`: run another process inside a running
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

#include "kit/err.h"
#include "kit/exec.h"
#include "kit/ns.h"
#include "kit/run.h"

/* >>> 3.b Enter the container, as `nsenter --target PID --all` + `chroot` would:
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
/* Move ourselves into every cgroup the container's PID 1 was put in (paths from config). */
static int join_cgroups(const struct container *c)
{
    char config[PATH_MAX], procs[PATH_MAX], self[32];
    struct record rec;
    snprintf(config, sizeof(config), "%s/config", c->dir);
    if (record_load(&rec, config) < 0)
        return kit_fail_errno("%s", config);
    int rc = 0;
    snprintf(self, sizeof(self), "%d\n", (int)getpid());
    for (int i = 0; i < rec.count && rc == 0; i++) {
        if (strcmp(rec.keys[i], "cgroup") != 0)
            continue;
        /* One PID per write(2): the kernel moves that process into the group. */
        snprintf(procs, sizeof(procs), "%s/cgroup.procs", rec.values[i]);
        int fd = open(procs, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, self, strlen(self)) < 0)
            rc = kit_fail_errno("join cgroup %s", rec.values[i]);
        if (fd >= 0)
            close(fd);
    }
    record_free(&rec);
    return rc;
}

static int join_container(pid_t pid)
{
    static const char *const names[] = {"ipc", "uts", "net", "pid", "mnt"};
    int fds[5], rootfd;
    char path[64];
    for (int i = 0; i < 5; i++) {
        snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, names[i]);
        if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            return kit_fail_errno("open %s", path);
    }
    snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
    if ((rootfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        return kit_fail_errno("open %s", path);
    for (int i = 0; i < 5; i++) {
        /* nstype 0: accept whatever kind of namespace the fd refers to. */
        if (setns(fds[i], 0) < 0)
            return kit_fail_errno("setns %s", names[i]);
        close(fds[i]);
    }
    if (fchdir(rootfd) < 0 || chroot(".") < 0)
        return kit_fail_errno("enter the container's root");
    close(rootfd);
    return 0;
}
/* <<< 3.b stub: static int join_cgroups(const struct container *c) { (void)c; return kit_fail("exec: not implemented (3.b)"); } static int join_container(pid_t pid) { (void)pid; return kit_fail("exec: not implemented (3.b)"); } */

/* exec [-i] [-t] NAME [--] [CMD ARGS...]: the index of NAME in ARGV, or -1 for bad usage.
 * -i and -t are accepted for Docker's habits (the command gets a terminal whenever stdin is
 * one); "--" is optional, as in the assignment's `exec NAME /bin/bash`. */
static int exec_name_index(int argc, char **argv)
{
    int i = 1;
    while (i < argc && (strcmp(argv[i], "-i") == 0 || strcmp(argv[i], "-t") == 0 ||
                        strcmp(argv[i], "-it") == 0 || strcmp(argv[i], "-ti") == 0))
        i++;
    if (i >= argc || argv[i][0] == '-')
        return -1;
    if (i + 1 < argc && strcmp(argv[i + 1], "--") == 0 && i + 2 == argc)
        return -1; /* "--" and nothing after it */
    return i;
}

/* What the forked child runs, where, and as whom. */
struct exec_target {
    const struct image *img;
    const char *name;
    char **cmd;
    struct hardening hard; /* the container's --user applies to exec too, as in Docker */
};

/* The forked child: the container's WORKDIR and user, then the command, nothing of ours
 * inherited.
 * 127 if the command is not found, 126 if it cannot be executed, as a shell (and Docker). */
static void exec_child(void *arg)
{
    const struct exec_target *t = arg;
    char **cmd = t->cmd;
    const char *workdir = t->img->workdir[0] ? t->img->workdir : "/";
    if (chdir(workdir) < 0)
        kit_fail_errno("chdir %s", workdir);
    if (t->hard.user_set && become_user(t->hard.uid, t->hard.gid) < 0)
        _exit(125);
    char **env = container_environment(t->img, t->name);
    if (kit_exec_prepare(NULL, 0) < 0) {
        kit_fail_errno("reset fds and signals before exec");
        _exit(125);
    }
    execvpe(cmd[0], cmd, env);
    int err = errno;
    kit_fail_errno("exec %s", cmd[0]);
    _exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

int cmd_exec(int argc, char **argv)
{
    int at = exec_name_index(argc, argv);
    if (at < 0)
        return usage_error(argv[0]);
    const char *name = argv[at];
    if (!valid_name("container", name))
        return 2;
    int first = at + 1 < argc && strcmp(argv[at + 1], "--") == 0 ? at + 2 : at + 1;
    struct container c;
    if (container_load(name, &c) < 0)
        return kit_fail("no such container: %s", name), 125;
    if (!c.running)
        return kit_fail("container %s is not running", name), 125;
    struct image img;
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/image", c.dir);
    if (image_read(path, &img) < 0)
        return kit_fail_errno("%s", path), 125;
    struct exec_target t = {.img = &img, .name = name};
    snprintf(path, sizeof(path), "%s/config", c.dir);
    if (hardening_load(path, &t.hard) < 0 || join_cgroups(&c) < 0 || join_container(c.init_pid) < 0)
        return 125;
    char *shell[] = {"/bin/sh", NULL}, *bash[] = {"/bin/bash", NULL};
    t.cmd = shell;
    if (first < argc)
        t.cmd = argv + first;
    else if (access("/bin/bash", X_OK) == 0)
        t.cmd = bash;
    /* From a terminal, a pty of the container's own (exec_pty.c), as docker exec -it. */
    if (isatty(STDIN_FILENO))
        return exec_in_pty(exec_child, &t);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return kit_fail_errno("fork"), 125;
    if (pid == 0)
        exec_child(&t);
    return kit_wait_status(pid);
}
