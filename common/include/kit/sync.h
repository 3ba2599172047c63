/* sync.h - a one-shot handshake between a parent and a child over a pipe.
 *
 * Typical use: the child must wait until the parent has finished something (written its
 * uid_map, put it in a cgroup, started a sibling) before it goes on.  Create the gate before
 * fork/clone; one side calls kit_gate_open(), the other kit_gate_wait().  Waiting returns 0
 * once the gate was opened, and -1 with errno EPIPE if the other side died or closed without
 * opening it, so neither side can hang on a dead partner.
 */
#ifndef KIT_SYNC_H
#define KIT_SYNC_H

struct kit_gate {
    int read_fd;
    int write_fd;
};

int kit_gate_init(struct kit_gate *gate);
/* Let the waiter go on (writes one byte and closes the write end).  -1 with errno EPIPE if
 * the waiter is gone (never SIGPIPE). */
int kit_gate_open(struct kit_gate *gate);
/* Block until the gate is opened.  Call only on the side that will not open it. */
int kit_gate_wait(struct kit_gate *gate);
/* Close whatever ends are still open. */
void kit_gate_close(struct kit_gate *gate);

#endif
