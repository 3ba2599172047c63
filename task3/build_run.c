/* build_run.c - RUN COMMAND: run a shell command on the image so far; what it writes becomes
 * the new layer (3.f).
 *
 * The command sees the overlay of the layers below with the new layer's (empty) upper dir on
 * top: every file it creates or changes is copied up into that upper dir, every file it
 * deletes leaves a whiteout there, so the upper dir afterwards is exactly the step's diff. */
#include "conductor.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/exec.h"
#include "kit/ns.h"
#include "kit/rootfs.h"
#include "kit/run.h"

struct run_args {
    const struct build_step *step;
    const char *command;
};

/* PID 1 of a new PID, mount, UTS and IPC namespace (the host's network stays, so a RUN can
 * download packages). */
static int run_in_overlay(void *arg)
{
    const struct run_args *a = arg;
    const struct build_step *step = a->step;
    /* If the conductor is killed, take the step down with it (its layer would be deleted). */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    /* A step has no terminal (as in docker build): stdin is /dev/null, and a session of its own
     * takes it out of the caller's job control.  With the caller's tty as stdin, apt or dpkg
     * touching it from a background process group (timeout(1) makes one) would be stopped by
     * SIGTTIN/SIGTTOU for good: task4's apt step hung so in a VM's login session. */
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, STDIN_FILENO) < 0 || setsid() < 0)
        return kit_fail_errno("RUN: stdin from /dev/null, new session"), 127;
    close(null);
    /* >>> 3.f Make the step's root and run the command in it, as run does for a container
     *     (3.a) but lighter: mounts private, the overlay of step->below's layers with
     *     step->upper on top at step->merged (mount_layers, 3.d, with step->work), a proc
     *     for the new PID namespace and a /dev (kit_mount_dev(root, false) makes one) in it,
     *     the hostname "build", then pivot_root(2) into it with the old root detached,
     *     the image's WORKDIR (made if missing: mkdir_p) as the current directory, and exec
     *     of /bin/sh -c COMMAND with the image's environment (container_environment).
     *     Return 127 (after a message) if a step fails.
     *     Test: a Conductorfile with  RUN echo hi > /f  then ls cache/layers/ID/f */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return kit_fail_errno("make / private"), 127;
    if (mount_layers(step->below, step->upper, step->work, step->merged) < 0)
        return 127;
    char proc[PATH_MAX];
    snprintf(proc, sizeof(proc), "%s/proc", step->merged);
    if ((mkdir(proc, 0555) < 0 && errno != EEXIST) ||
        mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return kit_fail_errno("mount proc on %s", proc), 127;
    if (kit_mount_dev(step->merged, false) < 0)
        return 127;
    if (sethostname("build", 5) < 0)
        return kit_fail_errno("sethostname"), 127;
    if (chdir(step->merged) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
        umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
        return kit_fail_errno("pivot_root %s", step->merged), 127;
    const char *workdir = step->below->workdir[0] ? step->below->workdir : "/";
    if (mkdir_p(workdir, 0755) < 0 || chdir(workdir) < 0)
        return kit_fail_errno("WORKDIR %s", workdir), 127;
    char *argv[] = {"/bin/sh", "-c", (char *)a->command, NULL};
    if (kit_exec_prepare(NULL, 0) < 0)
        return kit_fail_errno("prepare exec"), 127;
    execve(argv[0], argv, container_environment(step->below, "build"));
    kit_fail_errno("exec /bin/sh");
    return 127;
    /* <<< 3.f stub: (void)step; return kit_fail("RUN: not implemented (3.f)"), 127; */
}

int run_step(const struct build_step *step, const char *command)
{
    struct run_args args = {step, command};
    fflush(NULL);
    pid_t pid = kit_clone(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC, run_in_overlay, &args);
    if (pid < 0)
        return kit_fail_errno("clone");
    int status = kit_wait_status(pid);
    if (status != 0)
        return kit_fail("%s:%d: RUN exited with status %d", step->file, step->line, status);
    return 0;
}
