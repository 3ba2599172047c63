/* container.c - a container's state on disk, and removing it.
 *
 * containers/NAME/ holds: config (image, created, cgroup), image (a copy of the image record,
 * so the layers stay known and in use even if the image is rebuilt), init (PID and start time
 * of its PID 1), exit (its exit code, written by whoever waited for it), upper/ and work/ (the
 * container's own layer), root/ (where the overlay is mounted, inside the container's mount
 * namespace only), hostname, resolv.conf, log. */
#include "conductor.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kit/cgroup.h"
#include "kit/err.h"

void container_cgroup_name(const char *name, char *buf, size_t len)
{
    /* Two state roots (e.g. two test runs) may both have a container "web": add a short hash
     * of the root so their cgroups differ. */
    struct hasher *h = hasher_new();
    hasher_add_str(h, cfg.root);
    char id[LAYER_ID_LEN + 1];
    hasher_finish(h, id);
    snprintf(buf, len, "conductor-%.8s-%s", id, name);
}

int container_load(const char *name, struct container *c)
{
    memset(c, 0, sizeof(*c));
    c->exit_code = -1;
    if (!valid_name_quiet(name)) {
        errno = ENOENT;
        return -1;
    }
    snprintf(c->name, sizeof(c->name), "%s", name);
    state_path(c->dir, "containers/%s", name);
    char path[PATH_MAX];
    struct record rec;
    snprintf(path, sizeof(path), "%s/config", c->dir);
    if (record_load(&rec, path) < 0)
        return -1;
    const char *v;
    if ((v = record_get(&rec, "image")))
        snprintf(c->image, sizeof(c->image), "%s", v);
    if ((v = record_get(&rec, "created")))
        c->created = atol(v);
    container_cgroup_name(name, c->cgroup_name, sizeof(c->cgroup_name));
    record_free(&rec);

    snprintf(path, sizeof(path), "%s/init", c->dir);
    if (record_load(&rec, path) == 0) {
        const char *pid = record_get(&rec, "pid"), *start = record_get(&rec, "start");
        if (pid && start) {
            c->init_pid = (pid_t)atoi(pid);
            unsigned long long now = process_start_time(c->init_pid);
            c->running = now != 0 && now == strtoull(start, NULL, 10);
        }
        record_free(&rec);
    }
    snprintf(path, sizeof(path), "%s/exit", c->dir);
    char *code = read_file(path);
    if (code) {
        c->exit_code = atoi(code);
        free(code);
    }
    return 0;
}

__attribute__((weak)) int conductor_network_on_start(const char *name, pid_t init_pid)
{
    (void)name;
    (void)init_pid;
    return 0;
}

__attribute__((weak)) int conductor_network_teardown(const char *name)
{
    (void)name;
    return 0;
}

/* SIGKILL the container's PID 1 and wait until it is gone.  A PID alone may name another
 * process by now (PID 1 died, its PID was reused): a pidfd names one process for good, and
 * the start time checked *after* opening it proves it is still ours (pidfd_open(2),
 * pidfd_send_signal(2)).  PID 1 is not our child, so we poll the pidfd for its exit. */
static void kill_init(const struct container *c)
{
    char path[PATH_MAX];
    struct record rec;
    unsigned long long recorded = 0;
    snprintf(path, sizeof(path), "%s/init", c->dir);
    if (record_load(&rec, path) == 0) {
        const char *start = record_get(&rec, "start");
        recorded = start ? strtoull(start, NULL, 10) : 0;
        record_free(&rec);
    }
    int pidfd = (int)syscall(SYS_pidfd_open, c->init_pid, 0);
    if (pidfd < 0)
        return; /* gone already */
    if (recorded != 0 && process_start_time(c->init_pid) == recorded &&
        syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0) {
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        while (poll(&p, 1, 10000) < 0 && errno == EINTR)
            continue;
    }
    close(pidfd);
}

int container_remove(struct container *c)
{
    int rc = 0;
    /* Killing PID 1 of a PID namespace kills every process in it (the kernel sends SIGKILL to
     * the rest), including the ones `exec` added. */
    if (c->running)
        kill_init(c);
    if (conductor_network_teardown(c->name) < 0)
        rc = -1;
    /* The cgroup: kit_cgroup_destroy kills anything still inside, then removes it. */
    struct kit_cgroup *cg = kit_cgroup_create(c->cgroup_name);
    if (!cg || kit_cgroup_destroy(cg) < 0)
        rc = kit_fail("%s: could not remove cgroup %s", c->name, c->cgroup_name);
    /* Run from another cgroup than `run` was, the name above is a different (new) group: the
     * recorded paths are the real ones.  Its processes died with PID 1, so rmdir suffices. */
    char path[PATH_MAX];
    struct record rec;
    snprintf(path, sizeof(path), "%s/config", c->dir);
    if (record_load(&rec, path) == 0) {
        for (int i = 0; i < rec.count; i++)
            if (strcmp(rec.keys[i], "cgroup") == 0)
                for (int tries = 0; tries < 100 && rmdir(rec.values[i]) < 0 && errno == EBUSY; tries++)
                    usleep(10000);
        record_free(&rec);
    }
    /* Rename first, then delete: a half-deleted container never shows under its name. */
    char tmp[PATH_MAX];
    if (state_tmpdir(tmp) < 0)
        return -1;
    char moved[PATH_MAX];
    snprintf(moved, sizeof(moved), "%s/container", tmp);
    if (rename(c->dir, moved) < 0) {
        rmdir(tmp);
        return kit_fail_errno("remove %s", c->dir);
    }
    if (remove_tree(tmp) < 0)
        rc = -1;
    return rc;
}

char **container_environment(const struct image *img, const char *hostname)
{
    char **env = calloc(MAX_LIST + 8, sizeof(char *));
    int n = 0;
    env[n++] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    env[n++] = "HOME=/root";
    const char *term = getenv("TERM");
    char *t = malloc(strlen(term ? term : "xterm") + 6);
    sprintf(t, "TERM=%s", term ? term : "xterm");
    env[n++] = t;
    char *h = malloc(strlen(hostname) + 10);
    sprintf(h, "HOSTNAME=%s", hostname);
    env[n++] = h;
    for (int i = 0; i < img->nenv; i++) {
        size_t klen = strcspn(img->env[i], "=");
        int j;
        for (j = 0; j < n; j++)
            if (strncmp(env[j], img->env[i], klen + 1) == 0)
                break;
        env[j] = img->env[i];
        if (j == n)
            n++;
    }
    env[n] = NULL;
    return env;
}
