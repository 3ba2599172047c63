/* namespace_prog - two children, one set of namespaces.
 *
 * child1 is cloned into new UTS and PID namespaces: it is PID 1 there and renames its own
 * copy of the hostname.  child2 is made to land in the *same* namespaces: the parent points
 * its future children at child1's PID namespace (setns on /proc/PID/ns/pid, which changes
 * only pid_for_children), forks, and child2 joins child1's UTS namespace itself - so the
 * parent's own hostname never changes.  The parent prints its view after each child.
 */
#include "kit/err.h"
#include "kit/ns.h"
#include "kit/run.h"
#include "kit/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    /* In its own UTS namespace, this changes only child1's (and later child2's) hostname. */
    if (sethostname(CHILD1_HOSTNAME, strlen(CHILD1_HOSTNAME)) < 0) {
        kit_fail_errno("child1: sethostname");
        return 1;
    }
    print_process("Child1");
    kit_gate_open(&a->printed);
    /* Stay alive: while PID 1 of a namespace lives, others can join it.  When it exits, the
     * kernel kills every other process in the namespace and no new process can enter. */
    kit_gate_wait(&a->may_exit);
    return 0;
}

/* Start child1 in new UTS and PID namespaces.  Returns its PID (as the parent sees it). */
static pid_t start_child1(struct child1_args *args)
{
    /* >>> 1.1 Create child1 in new UTS and PID namespaces, running child1_main(args).
     *     Hint: kit_clone() in common/include/kit/ns.h wraps clone(2); the flags are
     *     CLONE_NEWUTS and CLONE_NEWPID.  Return the new child's PID, or -1. */
    return kit_clone(CLONE_NEWUTS | CLONE_NEWPID, child1_main, args);
    /* <<< 1.1 stub: (void)args; (void)child1_main; errno = ENOSYS; return -1; */
}

/* Make the parent's *next* child start in child1's PID namespace. */
static int aim_children_at(pid_t child1)
{
    /* >>> 1.2 Point the parent's future children at child1's PID namespace.
     *     Hint: setns(2) with CLONE_NEWPID on /proc/CHILD1/ns/pid (kit_ns_join does the open
     *     and the setns).  The parent itself stays where it is: a process can never change
     *     its own PID namespace, only where its children will be born (pid_for_children). */
    return kit_ns_join(child1, CLONE_NEWPID);
    /* <<< 1.2 stub: (void)child1; errno = ENOSYS; return -1; */
}

static int child2_main(pid_t child1)
{
    /* >>> 1.3 Join child1's UTS namespace, so child2 sees child1's hostname.
     *     Hint: the same setns(2) as in 1.2, now with CLONE_NEWUTS: for UTS the change is
     *     immediate and affects only the caller (child2), never the parent. */
    if (kit_ns_join(child1, CLONE_NEWUTS) < 0)
        return kit_fail_errno("child2: joining child1's UTS namespace");
    /* <<< 1.3 stub: (void)child1; */
    print_process("Child2");
    return 0;
}

/* The namespace the parent's children are born in, so it can be restored afterwards. */
static int open_pid_for_children(void)
{
    return open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
}

int main(int argc, char **argv)
{
    (void)argc;
    kit_set_prog(argv[0]);
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

    int status = 1;
    int own_pid_ns = open_pid_for_children();
    if (own_pid_ns < 0 || aim_children_at(child1) < 0) {
        kit_fail_errno("pointing the next child at child1's PID namespace");
        goto release_child1;
    }
    pid_t child2 = fork();
    if (child2 == 0)
        _exit(child2_main(child1) == 0 ? 0 : 1);
    if (child2 < 0) {
        kit_fail_errno("fork child2");
        goto release_child1;
    }
    /* Leave the parent exactly as it was: its later children are born at home again. */
    if (setns(own_pid_ns, CLONE_NEWPID) < 0)
        kit_fail_errno("restoring the parent's pid_for_children");
    if (kit_wait_status(child2) != 0)
        kit_fail("child2 failed");
    else
        status = 0;
    print_process("Parent");

release_child1:
    if (own_pid_ns >= 0)
        close(own_pid_ns);
    kit_gate_open(&args.may_exit);
    if (kit_wait_status(child1) != 0)
        status = 1;
    return status;
}
