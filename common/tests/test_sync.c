/* Unit tests for sync.c: the gate opens, and a waiter never hangs on a dead partner (EPIPE). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kit/run.h"
#include "kit/sync.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

/* The child waits; it exits 0 if the gate opened, 1 on EPIPE, 2 on anything else. */
static pid_t fork_waiter(struct kit_gate *gate)
{
    pid_t pid = fork();
    if (pid == 0) {
        if (kit_gate_wait(gate) == 0)
            _exit(0);
        _exit(errno == EPIPE ? 1 : 2);
    }
    return pid;
}

static void opened_gate_lets_the_child_go(void **state)
{
    (void)state;
    struct kit_gate gate;
    assert_int_equal(kit_gate_init(&gate), 0);
    pid_t pid = fork_waiter(&gate);
    assert_true(pid > 0);
    assert_int_equal(kit_gate_open(&gate), 0);
    assert_int_equal(kit_wait_status(pid), 0);
    kit_gate_close(&gate);
}

static void parent_closing_without_opening_gives_epipe(void **state)
{
    (void)state;
    struct kit_gate gate;
    assert_int_equal(kit_gate_init(&gate), 0);
    pid_t pid = fork_waiter(&gate);
    assert_true(pid > 0);
    kit_gate_close(&gate); /* e.g. the parent failed to set up the cgroup */
    assert_int_equal(kit_wait_status(pid), 1);
}

/* A gate, and a child that dies at once holding both ends, never using them. */
static pid_t gate_with_dead_child(struct kit_gate *gate)
{
    assert_int_equal(kit_gate_init(gate), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    return pid;
}

static void child_dying_gives_the_parent_epipe(void **state)
{
    (void)state;
    struct kit_gate gate;
    pid_t pid = gate_with_dead_child(&gate);
    errno = 0;
    assert_int_equal(kit_gate_wait(&gate), -1);
    assert_int_equal(errno, EPIPE);
    assert_int_equal(kit_wait_status(pid), 0);
    kit_gate_close(&gate);
}

/* The waiter died before the gate opened: opening returns EPIPE instead of killing us by
 * SIGPIPE, and leaves no SIGPIPE pending. */
static void opening_for_a_dead_waiter_gives_epipe_not_sigpipe(void **state)
{
    (void)state;
    struct kit_gate gate;
    pid_t pid = gate_with_dead_child(&gate);
    close(gate.read_fd); /* our own copy: now nobody can read */
    gate.read_fd = -1;
    assert_int_equal(kit_wait_status(pid), 0);
    errno = 0;
    assert_int_equal(kit_gate_open(&gate), -1);
    assert_int_equal(errno, EPIPE);
    sigset_t pending;
    sigpending(&pending);
    assert_false(sigismember(&pending, SIGPIPE));
}

static void close_is_idempotent(void **state)
{
    (void)state;
    struct kit_gate gate;
    assert_int_equal(kit_gate_init(&gate), 0);
    kit_gate_close(&gate);
    kit_gate_close(&gate);
    assert_int_equal(gate.read_fd, -1);
    assert_int_equal(gate.write_fd, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(opened_gate_lets_the_child_go),
        cmocka_unit_test(parent_closing_without_opening_gives_epipe),
        cmocka_unit_test(child_dying_gives_the_parent_epipe),
        cmocka_unit_test(opening_for_a_dead_waiter_gives_epipe_not_sigpipe),
        cmocka_unit_test(close_is_idempotent),
    };
    return cmocka_run_group_tests_name("sync", tests, NULL, NULL);
}
