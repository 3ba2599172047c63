#include "kit/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

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
    ssize_t n;
    do
        n = write(gate->write_fd, &byte, 1);
    while (n < 0 && errno == EINTR);
    close(gate->write_fd);
    gate->write_fd = -1;
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
