/* kit_exec_prepare: descriptors above 2 are closed (but the kept ones), signals are back to
 * their defaults and unblocked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kit/exec.h"

static bool is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

/* Run CHECK in a forked child (kit_exec_prepare changes the whole process); its exit code is
 * the number of failed expectations. */
static int in_child(int (*check)(void))
{
    pid_t pid = fork();
    if (pid == 0)
        _exit(check());
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

static int closes_all_but_kept(void)
{
    int a = open("/", O_RDONLY), b = dup2(a, 1500), c = dup2(a, 40);
    int keep[] = {c, -1};
    if (a < 0 || b != 1500 || c != 40 || kit_exec_prepare(keep, 2) < 0)
        return 50;
    return is_open(a) + is_open(1500) + !is_open(40) + !is_open(0) + !is_open(2);
}

static int resets_signals(void)
{
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigprocmask(SIG_BLOCK, &block, NULL);
    if (kit_exec_prepare(NULL, 0) < 0)
        return 50;
    struct sigaction sa;
    sigaction(SIGPIPE, NULL, &sa);
    int bad = sa.sa_handler != SIG_DFL;
    sigaction(SIGTERM, NULL, &sa);
    bad += sa.sa_handler != SIG_DFL;
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    return bad + sigismember(&now, SIGINT);
}

static void test_closes_descriptors(void **state)
{
    (void)state;
    assert_int_equal(in_child(closes_all_but_kept), 0);
}

static void test_resets_signals(void **state)
{
    (void)state;
    assert_int_equal(in_child(resets_signals), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closes_descriptors),
        cmocka_unit_test(test_resets_signals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
