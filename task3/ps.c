/* ps.c - ps, stop, rm, logs. */
#include "conductor.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kit/err.h"

static int compare_names(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

int cmd_ps(int argc, char **argv)
{
    if (argc != 1)
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
        return 1;
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

int cmd_logs(int argc, char **argv)
{
    if (argc != 2)
        return usage_error(argv[0]);
    if (!valid_name("container", argv[1]))
        return 1;
    char path[PATH_MAX];
    char *text = read_file(state_path(path, "containers/%s/log", argv[1]));
    if (!text)
        return kit_fail("no such container: %s", argv[1]), 1;
    fputs(text, stdout);
    free(text);
    return 0;
}
