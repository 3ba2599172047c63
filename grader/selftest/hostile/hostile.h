/* hostile.h - what the hostile submissions of grader/selftest/hostile.bats share.  Each one is
 * this header followed by one FIXTURE.c, handed in as task1/namespace_prog.c: a program the
 * grader runs as root that goes after the grader instead of doing its work.  (inline: a
 * fixture uses only some of these, and the kit builds with -Werror.) */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The parent of PID, from /proc/PID/stat; 0 if it cannot be read. */
static inline pid_t parent_of(pid_t pid)
{
    char path[64];
    int ppid = 0;
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) != 1)
            ppid = 0;
        fclose(f);
    }
    return ppid;
}

/* Call FN(ARG) with each argument of PID's command line. */
static inline void each_arg(pid_t pid, void (*fn)(pid_t, const char *))
{
    char path[64], args[8192];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(args, 1, sizeof args - 1, f);
    fclose(f);
    args[n] = '\0';
    for (char *a = args; a < args + n; a += strlen(a) + 1)
        fn(pid, a);
}

static inline int ends_with(const char *s, const char *tail)
{
    size_t ls = strlen(s), lt = strlen(tail);
    return ls >= lt && strcmp(s + ls - lt, tail) == 0;
}

/* Call FN with every process this one can see (all of /proc). */
static inline void each_process(void (*fn)(pid_t))
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && atoi(e->d_name) != getpid())
            fn(atoi(e->d_name));
    if (d)
        closedir(d);
}

/* Leave the grader's process tree: the caller returns in a grandchild in a session of its
 * own, with no descriptor of bats (which would otherwise wait for it); the others exit. */
static inline void daemonize(void)
{
    if (fork() != 0)
        exit(0);
    setsid();
    if (fork() != 0)
        _exit(0);
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 1024; fd++)
        if (fd != null)
            close(fd);
    dup2(null, 0), dup2(null, 1), dup2(null, 2);
}

/* Append no-op versions of the grader's assertion helpers to DIR/lib/kit.bash. */
static inline void poison_dir(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lib/kit.bash", dir);
    FILE *f = fopen(path, "a");
    if (f) {
        fputs("\nexpect_eq() { :; }; expect_status() { :; }; expect_match() { :; }; "
              "expect_near() { :; }; fail_hint() { :; }\n", f);
        fclose(f);
    }
}

/* For an argument that names a .bats suite or the grader's runner: poison its directory. */
static inline void poison_arg(pid_t pid, const char *a)
{
    (void)pid;
    if (ends_with(a, ".bats") || ends_with(a, "/grader/grade")) {
        char copy[PATH_MAX];
        snprintf(copy, sizeof copy, "%s", a);
        poison_dir(dirname(copy));
    }
}
