/* ns_trace_ways WAY - one tiny program per way of making a child in new UTS and PID
 * namespaces, for grader/selftest/ns_trace.bats.  Each child sets the hostname "traced" and
 * writes "child"; the parent writes "parent" before and after.  WAY is clone, clone3,
 * unshare-fork, vfork (the child writes with writev) or print-only (no namespace at all).
 */
#define _GNU_SOURCE
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *text)
{
    (void)!write(1, text, strlen(text));
}

static int child(void *arg)
{
    (void)arg;
    if (sethostname("traced", 6) < 0)
        return 1;
    say("child\n");
    return 0;
}

static char stack[256 * 1024];

int main(int argc, char **argv)
{
    const char *way = argc > 1 ? argv[1] : "";
    pid_t pid = -1;
    say("parent\n");
    if (strcmp(way, "clone") == 0) {
        pid = clone(child, stack + sizeof(stack), CLONE_NEWUTS | CLONE_NEWPID | SIGCHLD, NULL);
    } else if (strcmp(way, "clone3") == 0) {
        struct clone_args ca = {.flags = CLONE_NEWUTS | CLONE_NEWPID, .exit_signal = SIGCHLD};
        pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
        if (pid == 0)
            _exit(child(NULL));
    } else if (strcmp(way, "unshare-fork") == 0) {
        /* The UTS namespace is unshared in the child, so the parent keeps its hostname. */
        if (unshare(CLONE_NEWPID) < 0)
            return 1;
        pid = fork();
        if (pid == 0)
            _exit(unshare(CLONE_NEWUTS) < 0 ? 1 : child(NULL));
    } else if (strcmp(way, "vfork") == 0) {
        if (unshare(CLONE_NEWPID) < 0)
            return 1;
        pid = vfork();
        if (pid == 0) {
            if (unshare(CLONE_NEWUTS) < 0 || sethostname("traced", 6) < 0)
                _exit(1);
            struct iovec v[2] = {{"chi", 3}, {"ld\n", 3}};
            (void)!writev(1, v, 2);
            _exit(0);
        }
    } else if (strcmp(way, "print-only") == 0) {
        say("child\n");
        say("parent\n");
        return 0;
    }
    if (pid < 0)
        return 1;
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    say("parent\n");
    return 0;
}
