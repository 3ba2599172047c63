#include "kit/exec.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

static bool kept(int fd, const int *keep, int n_keep)
{
    for (int i = 0; i < n_keep; i++)
        if (keep[i] == fd)
            return true;
    return false;
}

/* Without close_range (before 5.9): close what /proc/self/fd lists. */
static int close_listed(const int *keep, int n_keep)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return -1;
    int self = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int fd = atoi(e->d_name);
        if (fd > 2 && fd != self && !kept(fd, keep, n_keep))
            close(fd);
    }
    return closedir(d);
}

/* Close [3, ∞) except the kept descriptors, one close_range per gap between them. */
static int close_above_stderr(const int *keep, int n_keep)
{
    unsigned int from = 3;
    for (;;) {
        unsigned int next = UINT_MAX; /* the lowest kept fd at or above FROM */
        for (int i = 0; i < n_keep; i++)
            if (keep[i] >= (int)from && (unsigned int)keep[i] < next)
                next = (unsigned int)keep[i];
        unsigned int to = next == UINT_MAX ? UINT_MAX : next - 1;
        if (to >= from && syscall(SYS_close_range, from, to, 0) < 0)
            return errno == ENOSYS ? close_listed(keep, n_keep) : -1;
        if (next == UINT_MAX)
            return 0;
        from = next + 1;
    }
}

static int reset_signals(void)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    for (int sig = 1; sig < NSIG; sig++)
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &dfl, NULL); /* EINVAL for the numbers glibc reserves: fine */
    sigset_t none;
    sigemptyset(&none);
    return sigprocmask(SIG_SETMASK, &none, NULL);
}

int kit_exec_prepare(const int *keep, int n_keep)
{
    if (close_above_stderr(keep, n_keep) < 0)
        return -1;
    return reset_signals();
}
