/* ps.c - ps, stop, rm, logs. */
#include "conductor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kit/err.h"

static int compare_names(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* ps [-a]: every container, running or not (-a, Docker's "all", is accepted and the same). */
int cmd_ps(int argc, char **argv)
{
    if (argc > 2 || (argc == 2 && strcmp(argv[1], "-a") != 0 && strcmp(argv[1], "--all") != 0))
        return usage_error(argv[0]);
    printf("%-20s %-20s %-14s %8s  %s\n", "NAME", "IMAGE", "STATUS", "PID", "CREATED");
    char dir[PATH_MAX];
    struct dirent **entries;
    int n = scandir(state_path(dir, "containers"), &entries, NULL, compare_names);
    for (int i = 0; i < n; i++) {
        struct container c;
        if (entries[i]->d_name[0] != '.' && container_load(entries[i]->d_name, &c) == 0) {
            char status[32], when[64], pid[16] = "-";
            /* running: PID 1 is alive (same PID and start time as recorded); exited: it died
             * and someone recorded its exit code; created: it never got a PID 1. */
            if (c.running)
                snprintf(status, sizeof(status), "running");
            else if (c.exit_code >= 0)
                snprintf(status, sizeof(status), "exited (%d)", c.exit_code);
            else if (c.init_pid > 0)
                snprintf(status, sizeof(status), "exited (?)");
            else
                snprintf(status, sizeof(status), "created");
            if (c.init_pid > 0)
                snprintf(pid, sizeof(pid), "%d", (int)c.init_pid);
            format_time(c.created, when, sizeof(when));
            printf("%-20s %-20s %-14s %8s  %s\n", c.name, c.image, status, pid, when);
        }
        free(entries[i]);
    }
    if (n >= 0)
        free(entries);
    return 0;
}

/* stop and rm: remove the container NAME; rm refuses a running one. */
static int remove_named(int argc, char **argv, bool only_stopped)
{
    if (argc != 2)
        return usage_error(argv[0]);
    const char *name = argv[1];
    if (!valid_name("container", name))
        return 2;
    int lock = state_lock();
    if (lock < 0)
        return 1;
    struct container c;
    int rc = 1;
    if (container_load(name, &c) < 0) {
        char dir[PATH_MAX];
        if (errno == ENOENT && !path_exists(state_path(dir, "containers/%s", name)))
            kit_fail("no such container: %s", name);
        else /* a directory without a readable config: half made, remove what there is */
            rc = container_remove(&c) == 0 ? 0 : 1;
    } else if (only_stopped && c.running) {
        kit_fail("container %s is running (stop it first)", name);
    } else {
        rc = container_remove(&c) == 0 ? 0 : 1;
    }
    close(lock);
    if (rc == 0)
        printf("%s\n", name);
    return rc;
}

int cmd_stop(int argc, char **argv)
{
    return remove_named(argc, argv, false);
}

int cmd_rm(int argc, char **argv)
{
    return remove_named(argc, argv, true);
}

/* Copy what FD has from where it is to stdout; the number of bytes, -1 on error. */
static long long copy_out(int fd)
{
    char buf[65536];
    long long total = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
        if (n > 0 && fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
            return -1;
        total += n > 0 ? n : 0;
    }
    fflush(stdout);
    return n < 0 ? -1 : total;
}

/* logs [-f] NAME: the log of a detached container; -f follows it until the container ends. */
int cmd_logs(int argc, char **argv)
{
    bool follow = argc == 3 && (strcmp(argv[1], "-f") == 0 || strcmp(argv[1], "--follow") == 0);
    if (argc != 2 && !follow)
        return usage_error(argv[0]);
    const char *name = argv[argc - 1];
    if (!valid_name("container", name))
        return 2;
    char path[PATH_MAX];
    int fd = open(state_path(path, "containers/%s/log", name), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return kit_fail("no such container: %s", name), 1;
    int rc = copy_out(fd) < 0 ? 1 : 0;
    struct container c;
    while (follow && rc == 0 && container_load(name, &c) == 0 && c.running) {
        usleep(200 * 1000);
        rc = copy_out(fd) < 0 ? 1 : 0;
    }
    if (follow && rc == 0)
        rc = copy_out(fd) < 0 ? 1 : 0; /* what it wrote last */
    close(fd);
    return rc;
}
