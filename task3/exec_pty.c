/* exec_pty.c - `conductor exec` from a terminal: the new process gets a pseudo-terminal of the
 * container's own devpts, as `docker exec -it` gives it, and conductor relays between that and
 * the caller's terminal.
 *
 * Kernel rules behind it (pty(7), termios(3), credentials(7)):
 *  - The container's /dev/pts is a devpts instance of its own (newinstance): the caller's pty
 *    does not exist there, so with the caller's terminal passed on, `tty` inside says "not a
 *    tty".  Once chrooted into the container, /dev/ptmx makes a new pty pair in *its*
 *    instance; TIOCGPTPEER (4.13) opens the slave from the master's fd, with no path lookup a
 *    process of the container could redirect.
 *  - A process gets a controlling terminal by starting a session (setsid) and TIOCSCTTY on a
 *    terminal it has open.  Then Ctrl-C typed into the pty is SIGINT for the foreground process
 *    group inside, and the pty's window size (TIOCSWINSZ, kept in step on SIGWINCH) is what
 *    `stty size` shows there.
 *  - The caller's terminal goes into raw mode so every key reaches the inner line discipline
 *    unchanged (Ctrl-C included); its settings are put back on the way out.  Only the
 *    terminal's foreground process group may change or read it (a background one is stopped
 *    by SIGTTOU/SIGTTIN, credentials(7)), so a background exec only relays the output.
 *  - A background process the command leaves can keep the slave open after the command exits,
 *    so the relay ends when the command exits (a pidfd), after the output already written. */
#include "conductor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/run.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* Bytes read from the caller's terminal, not yet taken by the pty. */
struct pending {
    char buf[4096];
    size_t len, off;
};

static int open_pty_pair(int *slave)
{
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (master < 0)
        return kit_fail_errno("open the container's /dev/ptmx");
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
        (*slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
        kit_fail_errno("open the pty's slave");
        close(master);
        return -1;
    }
    return master;
}

static void copy_window_size(int master)
{
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
        ioctl(master, TIOCSWINSZ, &ws);
}

/* The forked child: the pty is its controlling terminal and its stdin, stdout and stderr. */
static void pty_child(int slave, void (*child)(void *), void *arg)
{
    if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, STDIN_FILENO) < 0 ||
        dup2(slave, STDOUT_FILENO) < 0 || dup2(slave, STDERR_FILENO) < 0) {
        kit_fail_errno("make the pty the controlling terminal");
        _exit(125);
    }
    child(arg); /* closes every other fd and execs */
    _exit(125);
}

static bool write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        buf += n;
        len -= (size_t)n;
    }
    return true;
}

/* Copy what the master has for us to stdout; false once it has no more (EIO: no slave left). */
static bool drain_master(int master)
{
    char buf[4096];
    for (;;) {
        ssize_t n = read(master, buf, sizeof(buf));
        if (n > 0 && write_all(STDOUT_FILENO, buf, (size_t)n))
            continue;
        return n < 0 && (errno == EAGAIN || errno == EINTR);
    }
}

/* Keys in: read the terminal only when the pty has taken everything read before, so a child
 * that does not read never makes us block (or drop keys). */
static bool pump_input(struct pending *in, int master, short revents)
{
    if (in->len == in->off && (revents & (POLLIN | POLLHUP))) {
        ssize_t n = read(STDIN_FILENO, in->buf, sizeof(in->buf));
        if (n <= 0)
            return n < 0 && errno == EINTR;
        in->len = (size_t)n;
        in->off = 0;
    }
    while (in->off < in->len) {
        ssize_t n = write(master, in->buf + in->off, in->len - in->off);
        if (n < 0)
            return errno == EAGAIN || errno == EINTR;
        in->off += (size_t)n;
    }
    return true;
}

/* One signal for us: the window changed, or someone asks the command to end. */
static void on_signal(int sigfd, int master, int pidfd)
{
    struct signalfd_siginfo si;
    if (read(sigfd, &si, sizeof(si)) != sizeof(si))
        return;
    if (si.ssi_signo == SIGWINCH)
        copy_window_size(master);
    else
        syscall(SYS_pidfd_send_signal, pidfd, (int)si.ssi_signo, NULL, 0);
}

/* Relay until the command exits; the signals in MASK arrive through SIGFD.  Keys are read
 * only when STDIN_OPEN (we are the terminal's foreground job). */
static void relay(int master, int pidfd, int sigfd, bool stdin_open)
{
    struct pending in = {.len = 0};
    for (;;) {
        bool want_out = in.off < in.len;
        struct pollfd p[4] = {
            {.fd = stdin_open && !want_out ? STDIN_FILENO : -1, .events = POLLIN},
            {.fd = master, .events = (short)(POLLIN | (want_out ? POLLOUT : 0))},
            {.fd = sigfd, .events = POLLIN},
            {.fd = pidfd, .events = POLLIN},
        };
        if (poll(p, 4, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (p[0].revents && !pump_input(&in, master, p[0].revents))
            stdin_open = false;
        if ((p[1].revents & POLLOUT) && !pump_input(&in, master, 0))
            in.len = in.off = 0;
        if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !drain_master(master))
            return;
        if (p[2].revents)
            on_signal(sigfd, master, pidfd);
        if (p[3].revents) {
            drain_master(master);
            return;
        }
    }
}

int exec_in_pty(void (*child)(void *), void *arg)
{
    int slave = -1, master = open_pty_pair(&slave);
    if (master < 0)
        return 125;
    copy_window_size(master);
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return kit_fail_errno("fork"), 125;
    if (pid == 0) {
        close(master);
        pty_child(slave, child, arg);
    }
    close(slave);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGWINCH);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGQUIT);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    /* A background job (under timeout(1), say) that touched the terminal would be stopped
     * by SIGTTOU/SIGTTIN for good: it gets the pty's output, but leaves the keys alone. */
    bool foreground = tcgetpgrp(STDIN_FILENO) == getpgrp();
    struct termios saved, raw;
    bool is_raw = foreground && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (is_raw) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    if (sigfd >= 0 && pidfd >= 0)
        relay(master, pidfd, sigfd, foreground);
    else if (kit_fail_errno("relay the terminal (signalfd, pidfd_open)") < 0)
        kill(pid, SIGKILL);
    if (is_raw)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
    close(master);
    return kit_wait_status(pid);
}
