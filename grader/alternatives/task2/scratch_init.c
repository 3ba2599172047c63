/* scratch_init.c - the container's PID 1: a few lines of what tini or docker-init do. */
#include "scratch.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/exec.h"

static volatile sig_atomic_t cmd_pid;

/* scratch_container blocked SIGTERM and SIGINT before the clone, so that one arriving during
 * the setup waits (pending) until there is a CMD to give it to.  The mask is inherited by
 * fork and kept across execve: unblock in CMD before exec, and in init once cmd_pid is set. */
static void unblock_forwarded_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void forward_to_cmd(int sig)
{
    if (cmd_pid > 0)
        kill(cmd_pid, sig);
}

/* The child's half: default signal handling back, then become CMD. */
static void exec_cmd(char **argv)
{
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    unblock_forwarded_signals();
    if (kit_exec_prepare(NULL, 0) < 0)
        _exit(126);
    execvp(argv[0], argv);
    int err = errno;
    kit_fail_errno("exec %s", argv[0]);
    _exit(err == ENOENT ? 127 : 126); /* as a shell does */
}

int scratch_init_run(char **argv)
{
    /* The container dies with scratch_container, even if it is SIGKILLed (no cleanup then).
     * Set here: a change of uid (2.9) clears the parent-death signal. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);

    /* >>> 2.14 Be the container's init: install handlers that forward SIGTERM and SIGINT to
     *     CMD, fork, exec CMD in the child (exec_cmd), then reap *every* child that exits
     *     (waitpid(-1, ...)) until CMD itself has exited, and return CMD's status: its exit
     *     code, or 128+N if a signal N killed it.
     *     Kernel rules: PID 1 of a namespace gets only the signals it has a handler for (even
     *     SIGTERM is ignored by default; only SIGKILL/SIGSTOP from an ancestor namespace
     *     always work), so without a handler `kill -TERM` would do nothing.  Both signals
     *     arrive blocked (see unblock_forwarded_signals): unblock them once cmd_pid is set,
     *     and a signal that came during the setup is delivered then.  Orphans are
     *     re-parented to PID 1: if it does not wait for them they stay zombies.  When PID 1
     *     exits, the kernel SIGKILLs everything else in the namespace. */
    struct sigaction sa = {.sa_handler = forward_to_cmd};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        return kit_fail_errno("sigaction"), 1;
    pid_t pid = fork();
    if (pid < 0)
        return kit_fail_errno("fork"), 1;
    if (pid == 0)
        exec_cmd(argv);
    cmd_pid = pid;
    unblock_forwarded_signals();
    for (;;) {
        int status;
        pid_t done = waitpid(-1, &status, 0);
        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0)
            return kit_fail_errno("waitpid"), 1;
        if (done == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    /* <<< 2.14 stub: (void)forward_to_cmd; (void)exec_cmd; (void)argv; return 1; */
}
