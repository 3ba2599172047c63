#include "kit/run.h"
#include "kit/exec.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int kit_wait_status(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

/* Fork and exec ARGV with stdout going to OUT_FD (-1: inherit) and stderr to ERR_FD. */
static pid_t spawn(char *const argv[], int out_fd, int err_fd, int close_fd)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    if (close_fd >= 0)
        close(close_fd);
    if (out_fd >= 0 && dup2(out_fd, STDOUT_FILENO) < 0)
        _exit(127);
    if (err_fd >= 0 && dup2(err_fd, STDERR_FILENO) < 0)
        _exit(127);
    if (kit_exec_prepare(NULL, 0) < 0)
        _exit(127);
    execvp(argv[0], argv);
    _exit(127);
}

int kit_run(char *const argv[])
{
    pid_t pid = spawn(argv, -1, -1, -1);
    return pid < 0 ? -1 : kit_wait_status(pid);
}

int kit_run_quiet(char *const argv[])
{
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (devnull < 0)
        return -1;
    pid_t pid = spawn(argv, devnull, devnull, -1);
    close(devnull);
    return pid < 0 ? -1 : kit_wait_status(pid);
}

int kit_run_capture(char *const argv[], char *buf, size_t len)
{
    int fds[2];
    if (len == 0 || pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = spawn(argv, fds[1], -1, fds[0]);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        return -1;
    }
    size_t used = 0;
    char scratch[4096];
    for (;;) {
        char *dst = used < len - 1 ? buf + used : scratch;
        size_t room = used < len - 1 ? len - 1 - used : sizeof(scratch);
        ssize_t n = read(fds[0], dst, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (dst != scratch)
            used += (size_t)n;
    }
    buf[used] = '\0';
    close(fds[0]);
    return kit_wait_status(pid);
}
