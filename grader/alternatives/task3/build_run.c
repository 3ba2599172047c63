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
    /* TODO 3.f: Make the step's root and run the command in it, as run does for a container
     *     (3.a) but lighter: mounts private, the overlay of step->below's layers with
     *     step->upper on top at step->merged (mount_layers, 3.d, with step->work), a proc
     *     for the new PID namespace and a /dev (kit_mount_dev(root, false) makes one) in it,
     *     the hostname "build", then pivot_root(2) into it with the old root detached,
     *     the image's WORKDIR (made if missing: mkdir_p) as the current directory, and exec
     *     of /bin/sh -c COMMAND with the image's environment (container_environment).
     *     Return 127 (after a message) if a step fails.
     *     Test: a Conductorfile with  RUN echo hi > /f  then ls cache/layers/ID/f */
    /* Alternative: pivot_root with a put_old directory, WORKDIR made by hand. */
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        kit_fail_errno("private mounts");
        return 127;
    }
    const char *root = step->merged;
    if (mount_layers(step->below, step->upper, step->work, root) != 0 ||
        kit_mount_dev(root, false) != 0)
        return 127;
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/proc", root);
    mkdir(path, 0755);
    if (mount("proc", path, "proc", 0, NULL) != 0) {
        kit_fail_errno("proc");
        return 127;
    }
    if (sethostname("build", strlen("build")) != 0) {
        kit_fail_errno("hostname");
        return 127;
    }
    snprintf(path, sizeof(path), "%s/.put_old", root);
    if ((mkdir(path, 0700) != 0 && errno != EEXIST) || syscall(SYS_pivot_root, root, path) != 0 ||
        chdir("/") != 0 || umount2("/.put_old", MNT_DETACH) != 0 || rmdir("/.put_old") != 0) {
        kit_fail_errno("pivot_root");
        return 127;
    }
    char wd[PATH_MAX];
    snprintf(wd, sizeof(wd), "%s", step->below->workdir[0] ? step->below->workdir : "/");
    for (char *p = wd + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(wd, 0755);
            *p = '/';
        }
    mkdir(wd, 0755);
    if (chdir(wd) != 0) {
        kit_fail_errno("WORKDIR %s", wd);
        return 127;
    }
    char *argv[] = {"sh", "-c", (char *)a->command, NULL};
    kit_exec_prepare(NULL, 0);
    execve("/bin/sh", argv, container_environment(step->below, "build"));
    kit_fail_errno("exec /bin/sh");
    return 127;
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
