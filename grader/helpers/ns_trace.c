/* ns_trace - who really wrote each line of a program's stdout, as the kernel sees it.
 *
 *   ns_trace LOG PROG [ARGS...]
 *
 * Runs PROG under ptrace(2), following every process and thread it creates (fork, vfork,
 * clone, clone3), with its stdout untouched.  At each write(2), writev(2) or pwrite64(2) to
 * the file PROG's stdout was at the start (fd 1, or any dup of it, in any process), it looks
 * at the writer while the kernel holds it stopped, and appends to LOG one line per line of
 * text written:
 *
 *   HOSTPID <tab> NSPID <tab> PIDNS <tab> UTSNS <tab> HOSTNAME <tab> TEXT <tab> PIDFC
 *
 * HOSTPID is the writer's PID as the grader sees it; NSPID its PID in its own PID namespace
 * (the last field of NSpid in /proc/PID/status); PIDNS and UTSNS the inodes of its pid and
 * uts namespaces (stat of /proc/PID/ns/...); HOSTNAME the hostname of that UTS namespace
 * (read by joining it for a moment with setns(2)); PIDFC the inode of its pid_for_children
 * (where its next child would be born; tabs in TEXT become spaces).  The first line of LOG is
 * "main <tab> HOSTPID" for PROG itself.  The exit status is PROG's (128+N if killed by
 * signal N).  So a test can tell a report line a program only printed from one a process in
 * the right namespace wrote: a program that prints "PID: 1" from the host namespace is seen.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_TEXT 65536
#define MAX_SEEN 4096

static FILE *log_file;
static struct stat stdout_st;  /* the file PROG's stdout is: writes to it are recorded */
static int own_uts = -1;       /* to come back after reading another namespace's hostname */
static pid_t seen[MAX_SEEN];   /* tracees already past their first stop */
static size_t n_seen;

static void die(const char *what)
{
    fprintf(stderr, "ns_trace: %s: %s\n", what, strerror(errno));
    exit(125);
}

static int was_seen(pid_t pid)
{
    for (size_t i = 0; i < n_seen; i++)
        if (seen[i] == pid)
            return 1;
    if (n_seen < MAX_SEEN)
        seen[n_seen++] = pid;
    return 0;
}

/* Is fd FD of process PID the file our stdout is (the same pipe, tty or file)? */
static int is_stdout(pid_t pid, long fd)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d/fd/%ld", (int)pid, fd);
    return stat(path, &st) == 0 && st.st_dev == stdout_st.st_dev && st.st_ino == stdout_st.st_ino;
}

/* The last NSpid field of /proc/PID/status: the PID in its own namespace; -1 if unknown. */
static long ns_pid(pid_t pid)
{
    char path[64], line[256];
    long last = -1;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "NSpid:", 6) == 0) {
            char *p = line + 6, *end;
            for (long v = strtol(p, &end, 10); end != p; v = strtol(p, &end, 10)) {
                last = v;
                p = end;
            }
        }
    if (f)
        fclose(f);
    return last;
}

static unsigned long ns_inode(pid_t pid, const char *name)
{
    char path[64];
    struct stat st;
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
    return stat(path, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

/* The hostname of PID's UTS namespace: join it, uname(2), come back. */
static void uts_hostname(pid_t pid, char *out, size_t len)
{
    char path[64];
    struct utsname u;
    snprintf(out, len, "?");
    snprintf(path, sizeof(path), "/proc/%d/ns/uts", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    if (setns(fd, CLONE_NEWUTS) == 0 && uname(&u) == 0)
        snprintf(out, len, "%s", u.nodename);
    close(fd);
    if (setns(own_uts, CLONE_NEWUTS) < 0)
        die("returning to our own UTS namespace");
}

/* Copy LEN bytes at ADDR in PID's memory into BUF; returns the count read. */
static size_t peek(pid_t pid, unsigned long addr, char *buf, size_t len)
{
    struct iovec local = {buf, len}, remote = {(void *)addr, len};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    return n > 0 ? (size_t)n : 0;
}

/* The text of a write/writev/pwrite64 entry. */
static size_t written_text(pid_t pid, const struct __ptrace_syscall_info *si, char *buf)
{
    uint64_t nr = si->entry.nr;
    const uint64_t *a = si->entry.args;
    if (nr == SYS_write || nr == SYS_pwrite64)
        return peek(pid, a[1], buf, a[2] < MAX_TEXT ? a[2] : MAX_TEXT);
    size_t total = 0; /* writev: gather the iovecs */
    for (uint64_t i = 0; i < a[2] && i < 64 && total < MAX_TEXT; i++) {
        struct iovec v;
        if (peek(pid, a[1] + i * sizeof(v), (char *)&v, sizeof(v)) != sizeof(v))
            break;
        size_t want = v.iov_len < MAX_TEXT - total ? v.iov_len : MAX_TEXT - total;
        total += peek(pid, (unsigned long)v.iov_base, buf + total, want);
    }
    return total;
}

static void record_write(pid_t pid, const struct __ptrace_syscall_info *si)
{
    uint64_t nr = si->entry.nr;
    if (nr != SYS_write && nr != SYS_writev && nr != SYS_pwrite64)
        return;
    if (!is_stdout(pid, (long)si->entry.args[0]))
        return;
    static char text[MAX_TEXT + 1];
    size_t n = written_text(pid, si, text);
    char host[256];
    uts_hostname(pid, host, sizeof(host));
    long nspid = ns_pid(pid);
    unsigned long pidns = ns_inode(pid, "pid"), utsns = ns_inode(pid, "uts");
    unsigned long pidfc = ns_inode(pid, "pid_for_children");
    for (size_t start = 0; start < n;) {
        size_t end = start;
        while (end < n && text[end] != '\n')
            end++;
        fprintf(log_file, "%d\t%ld\t%lu\t%lu\t%s\t", (int)pid, nspid, pidns, utsns, host);
        for (size_t i = start; i < end; i++)
            fputc(text[i] == '\t' || text[i] == '\0' ? ' ' : text[i], log_file);
        fprintf(log_file, "\t%lu\n", pidfc);
        start = end + 1;
    }
    fflush(log_file);
}

static pid_t start(char **argv)
{
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
            die("PTRACE_TRACEME");
        raise(SIGSTOP);
        execvp(argv[0], argv);
        fprintf(stderr, "ns_trace: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFSTOPPED(status))
        die("waiting for the program to stop");
    long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACECLONE | PTRACE_O_TRACEFORK |
                PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL;
    if (ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)opts) < 0)
        die("PTRACE_SETOPTIONS");
    was_seen(pid);
    if (ptrace(PTRACE_SYSCALL, pid, NULL, NULL) < 0)
        die("PTRACE_SYSCALL");
    return pid;
}

/* Follow every tracee until PROG exits; returns PROG's exit status. */
static int trace(pid_t main_pid)
{
    int result = 125;
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, __WALL);
        if (pid < 0)
            return errno == ECHILD ? result : (die("waitpid"), 125);
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == main_pid)
                result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            continue;
        }
        int sig = 0, stop = WSTOPSIG(status);
        if (stop == (SIGTRAP | 0x80)) {
            struct __ptrace_syscall_info si;
            if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(si), &si) > 0 &&
                si.op == PTRACE_SYSCALL_INFO_ENTRY)
                record_write(pid, &si);
        } else if (status >> 16) {
            /* fork/vfork/clone/exec events: a new tracee reports its own first stop. */
        } else if (!(stop == SIGSTOP && !was_seen(pid))) {
            sig = stop; /* a real signal: deliver it */
        }
        /* ESRCH: the tracee was killed meanwhile; its exit comes next. */
        ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: ns_trace LOG PROG [ARGS...]\n");
        return 2;
    }
    if (fstat(STDOUT_FILENO, &stdout_st) < 0)
        die("fstat stdout");
    own_uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
    if (own_uts < 0)
        die("/proc/self/ns/uts");
    log_file = fopen(argv[1], "we");
    if (!log_file)
        die(argv[1]);
    signal(SIGPIPE, SIG_IGN);
    pid_t pid = start(argv + 2);
    fprintf(log_file, "main\t%d\n", (int)pid);
    fflush(log_file);
    int rc = trace(pid);
    fclose(log_file);
    return rc;
}
