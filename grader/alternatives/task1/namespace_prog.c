/* namespace_prog - two children, one set of namespaces.
 *
 *   namespace_prog [--pause]
 *
 * child1 is cloned into new UTS and PID namespaces: it is PID 1 there and renames its own
 * copy of the hostname.  child2 is made to land in the *same* namespaces: the parent points
 * its future children at child1's PID namespace, forks, and child2 joins child1's UTS
 * namespace itself - so the parent's own hostname never changes.  The parent prints its view
 * after each child, and afterwards its children are born in its own PID namespace again.
 * With --pause the parent stops between pointing its children at child1's namespace and
 * forking child2, until Enter is pressed, so /proc can be looked at in that moment.
 */
#include "kit/err.h"
#include "kit/run.h"
#include "kit/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD1_HOSTNAME "Child1Hostname"
#define RULE "----------------------------------------"

struct child1_args {
    struct kit_gate printed;   /* child1 -> parent: "I have printed" */
    struct kit_gate may_exit;  /* parent -> child1: "child2 is done, you may go" */
};

static void print_process(const char *who)
{
    char host[HOST_NAME_MAX + 1] = "?";
    gethostname(host, sizeof(host));
    printf("%s Process PID: %d\n", who, (int)getpid());
    printf("%s Hostname: %s\n", who, host);
    printf(RULE "\n");
    /* Flush before anyone forks or exits: a buffered line would be printed twice or late. */
    fflush(stdout);
}

static int child1_main(void *arg)
{
    struct child1_args *a = arg;
    /* >>> 1.1 Give child1's UTS namespace the hostname CHILD1_HOSTNAME.
     *     Hint: sethostname(2) changes the hostname of the caller's UTS namespace only; on
     *     failure report it with kit_fail_errno() (kit/err.h) and return 1. */
    char name[] = CHILD1_HOSTNAME;
    if (sethostname(name, sizeof(name) - 1) != 0)
        return kit_fail_errno("child1 cannot set its hostname"), 1;
    /* <<< 1.1 stub: (void)0; */
    print_process("Child1");
    kit_gate_open(&a->printed);
    /* Stay alive: while PID 1 of a namespace lives, others can join it.  When it exits, the
     * kernel kills every other process in the namespace and no new process can enter. */
    kit_gate_wait(&a->may_exit);
    return 0;
}

#define CHILD1_STACK_SIZE (1024 * 1024)

/* Start child1 in new UTS and PID namespaces.  Returns its PID (as the parent sees it). */
static pid_t start_child1(struct child1_args *args)
{
    /* >>> 1.1 Create child1 in a new UTS namespace and a new PID namespace, running
     *     child1_main(args).  Return its PID as this process sees it, or -1 with errno set.
     *     Hint: clone(2) (the glibc wrapper, or clone3) runs a function on a stack that the
     *     caller provides (mmap(2) or malloc(3); see which end of it clone(2) wants on x86).
     *     Which flags create the namespaces is in clone(2) and namespaces(7).  The parent
     *     can only waitpid(2) for a child that signals its end, as fork(2) children do. */
    /* clone3 returns twice, like fork: no separate stack needed. */
    struct clone_args ca;
    memset(&ca, 0, sizeof(ca));
    ca.flags = CLONE_NEWPID | CLONE_NEWUTS;
    ca.exit_signal = SIGCHLD;
    long pid = syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid == 0)
        _exit(child1_main(args));
    return (pid_t)pid;
    /* <<< 1.1 stub: (void)args; (void)child1_main; errno = ENOSYS; return -1; */
}

/* Make the parent's *next* children start in child1's PID namespace.  *HOME gets an fd for
 * the PID namespace they were born in until now, for bring_children_home(). */
static int aim_children_at(pid_t child1, int *home)
{
    /* >>> 1.2 Keep a handle on where this process's children are born now (in *home), then
     *     make its future children be born in child1's PID namespace.  0, or -1 with errno.
     *     Hint: namespaces are files in /proc/PID/ns/ (namespaces(7)); setns(2) joins the
     *     namespace such a file (or a pidfd) names.  For a PID namespace the kernel never
     *     moves the caller itself - its PID is fixed for life - it changes only where the
     *     caller's children are born: see pid_namespaces(7) and /proc/PID/ns/pid_for_children.
     *     Close what you open (O_CLOEXEC helps), keep *home open. */
    /* A pidfd names the process itself (setns accepts it since Linux 5.8). */
    *home = openat(AT_FDCWD, "/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
    int pidfd = (int)syscall(SYS_pidfd_open, child1, 0);
    if (*home < 0 || pidfd < 0)
        return -1;
    if (setns(pidfd, CLONE_NEWPID) != 0) {
        int e = errno;
        close(pidfd);
        errno = e;
        return -1;
    }
    close(pidfd);
    return 0;
    /* <<< 1.2 stub: (void)child1; *home = -1; errno = ENOSYS; return -1; */
}

/* Undo aim_children_at(): the parent's later children are born where they were before. */
static int bring_children_home(int home)
{
    /* >>> 1.2 Make this process's future children be born in the namespace HOME names again,
     *     and close HOME.  0, or -1 with errno.
     *     Hint: the same rule as above; /proc/self/ns/pid_for_children shows the result. */
    int failed = setns(home, 0) != 0; /* 0: any type, the fd says which */
    int e = errno;
    close(home);
    errno = e;
    return failed ? -1 : 0;
    /* <<< 1.2 stub: (void)home; return 0; */
}

static int child2_main(pid_t child1)
{
    /* >>> 1.3 Join child1's UTS namespace, so child2 sees child1's hostname.  On failure
     *     return kit_fail_errno("child2: ...").
     *     Hint: the same kernel interface as 1.2, for the uts namespace; unlike a PID
     *     namespace, joining a UTS namespace moves the caller itself, at once - and only the
     *     caller, so do it here in child2, never in the parent. */
    /* PIDs in pidfd_open are read in the caller's PID namespace, where child1 is PID 1. */
    (void)child1;
    int pidfd = (int)syscall(SYS_pidfd_open, 1, 0);
    if (pidfd < 0 || setns(pidfd, CLONE_NEWUTS) != 0)
        return kit_fail_errno("child2 cannot join child1's hostname");
    close(pidfd);
    /* <<< 1.3 stub: (void)child1; */
    print_process("Child2");
    return 0;
}

/* --pause: stop between setns and fork, so that /proc can be compared in that moment. */
static void pause_before_fork(void)
{
    int me = (int)getpid();
    fprintf(stderr,
            "namespace_prog: paused between setns and fork.  In another terminal:\n"
            "    readlink /proc/%d/ns/pid /proc/%d/ns/pid_for_children\n"
            "Press Enter to go on.\n", me, me);
    for (int c = getchar(); c != EOF && c != '\n'; c = getchar())
        ;
}

/* child2 in child1's namespaces; the parent's later children born at home again. */
static int run_child2(pid_t child1, int pause)
{
    int home = -1;
    if (aim_children_at(child1, &home) < 0) {
        kit_fail_errno("pointing the next child at child1's PID namespace");
        if (home >= 0)
            close(home);
        return 1;
    }
    if (pause)
        pause_before_fork();
    pid_t child2 = fork();
    if (child2 == 0)
        _exit(child2_main(child1) == 0 ? 0 : 1);
    int status = 0;
    if (child2 < 0)
        status = kit_fail_errno("fork child2");
    /* Leave the parent exactly as it was: its later children are born at home again. */
    if (bring_children_home(home) < 0)
        status = kit_fail_errno("restoring the parent's pid_for_children");
    if (child2 > 0 && kit_wait_status(child2) != 0)
        status = kit_fail("child2 failed");
    return status == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    kit_set_prog(argv[0]);
    int pause = argc == 2 && strcmp(argv[1], "--pause") == 0;
    if (argc > 2 || (argc == 2 && !pause)) {
        fprintf(stderr, "usage: %s [--pause]\n", kit_prog());
        return 2;
    }
    /* A reader that goes away (namespace_prog | head) must not kill a child half-way. */
    signal(SIGPIPE, SIG_IGN);
    printf(RULE "\n");
    print_process("Parent");

    struct child1_args args;
    if (kit_gate_init(&args.printed) < 0 || kit_gate_init(&args.may_exit) < 0)
        return kit_fail_errno("pipe"), 1;
    pid_t child1 = start_child1(&args);
    if (child1 < 0)
        return kit_fail_errno("creating child1 in new UTS and PID namespaces"), 1;
    if (kit_gate_wait(&args.printed) < 0) {
        kit_fail("child1 died before it printed");
        kit_wait_status(child1);
        return 1;
    }
    print_process("Parent");
    int status = run_child2(child1, pause);
    if (status == 0)
        print_process("Parent");
    kit_gate_open(&args.may_exit);
    if (kit_wait_status(child1) != 0)
        status = 1;
    return status;
}
