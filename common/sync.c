#include "kit/sync.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

/* write(2) to a pipe whose reader is gone raises SIGPIPE, which kills the caller by default:
 * a parent whose child died at the gate would die before it cleans up.  Block SIGPIPE around
 * the write (EPIPE is then returned) and take away the signal it left pending, unless one was
 * pending already.  (send(2)'s MSG_NOSIGNAL does the same, but only for sockets.) */
static ssize_t write_no_sigpipe(int fd, const void *buf, size_t len)
{
    sigset_t pipe_only, old, pending;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE);
    sigprocmask(SIG_BLOCK, &pipe_only, &old);
    ssize_t n;
    do
        n = write(fd, buf, len);
    while (n < 0 && errno == EINTR);
    int saved = errno;
    if (n < 0 && errno == EPIPE && !was_pending) {
        struct timespec now = {0, 0};
        while (sigtimedwait(&pipe_only, NULL, &now) < 0 && errno == EINTR)
            continue;
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return n;
}

int kit_gate_init(struct kit_gate *gate)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    gate->read_fd = fds[0];
    gate->write_fd = fds[1];
    return 0;
}

int kit_gate_open(struct kit_gate *gate)
{
    if (gate->read_fd >= 0) {
        close(gate->read_fd);
        gate->read_fd = -1;
    }
    char byte = 1;
    ssize_t n = write_no_sigpipe(gate->write_fd, &byte, 1);
    int saved = errno;
    close(gate->write_fd);
    gate->write_fd = -1;
    errno = saved;
    return n == 1 ? 0 : -1;
}

int kit_gate_wait(struct kit_gate *gate)
{
    /* Close our copy of the write end first: otherwise read() could never see EOF. */
    if (gate->write_fd >= 0) {
        close(gate->write_fd);
        gate->write_fd = -1;
    }
    char byte;
    ssize_t n;
    do
        n = read(gate->read_fd, &byte, 1);
    while (n < 0 && errno == EINTR);
    close(gate->read_fd);
    gate->read_fd = -1;
    if (n == 1)
        return 0;
    if (n == 0)
        errno = EPIPE;
    return -1;
}

void kit_gate_close(struct kit_gate *gate)
{
    if (gate->read_fd >= 0)
        close(gate->read_fd);
    if (gate->write_fd >= 0)
        close(gate->write_fd);
    gate->read_fd = gate->write_fd = -1;
}
