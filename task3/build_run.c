/* build_run.c - RUN COMMAND: run a shell command on the image so far; what it writes becomes
 * the new layer (3.f).
 *
 * The command sees the overlay of the layers below with the new layer's (empty) upper dir on
 * top: every file it creates or changes is copied up into that upper dir, every file it
 * deletes leaves a whiteout there, so the upper dir afterwards is exactly the step's diff. */
#include "conductor.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kit/err.h"
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
    /* >>> 3.f Make the step's root and run the command in it: mounts private, the overlay of
     *     step->below's layers with step->upper on top at step->merged (mount_layers), /proc
     *     and /dev inside it (kit_mount_proc, kit_mount_dev), a hostname, pivot_root into it,
     *     chdir to the image's WORKDIR (made if missing), then exec /bin/sh -c COMMAND with the
     *     image's environment.  Return non-zero (after a message) if a step fails.
     *     Test: a Conductorfile with  RUN echo hi > /f  then ls cache/layers/ID/f */
    if (kit_make_mounts_private() < 0 ||
        mount_layers(step->below, step->upper, step->work, step->merged) < 0 ||
        kit_mount_proc(step->merged) < 0 || kit_mount_dev(step->merged, false) < 0)
        return 127;
    if (sethostname("build", 5) < 0)
        return kit_fail_errno("sethostname"), 127;
    if (kit_pivot_root(step->merged) < 0)
        return 127;
    const char *workdir = step->below->workdir[0] ? step->below->workdir : "/";
    if (mkdir_p(workdir, 0755) < 0 || chdir(workdir) < 0)
        return kit_fail_errno("WORKDIR %s", workdir), 127;
    char *argv[] = {"/bin/sh", "-c", (char *)a->command, NULL};
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
