/* lock.c - who waits for whom.  Three kinds of lock, all flock(2) on files of the state root:
 *
 *   the state lock (lock)          images/ and containers/ records, tmp/: held by every command
 *                                  for its short changes of state, never for a whole build or
 *                                  the life of a container;
 *   the cache lock (cache/lock)    shared by every build for its whole length (builds add layers
 *                                  side by side), exclusive for rmi and rmcache (they delete
 *                                  layers, which no build may be reading);
 *   a build lock per image         images/.NAME.build: two builds of one image wait for each
 *                                  other; builds of different images do not.
 *
 * Taken in that order (cache, image, state), so no two conductors wait on each other in a
 * circle.  A conductor that must wait says for what, so a long wait never looks like a hang.
 * A killed conductor's flocks vanish with it; what it left in tmp/ is removed by the next
 * state lock. */
#include "conductor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "kit/err.h"

/* flock(FD, HOW); if another conductor holds it for more than half a second, say "waiting
 * for WHAT" (the usual wait, behind another command's short change, passes silently). */
static int lock_waiting(int fd, int how, const char *what)
{
    for (int tries = 0; tries < 10; tries++) {
        if (flock(fd, how | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return -1;
        usleep(50000);
    }
    fprintf(stderr, "conductor: waiting for %s\n", what);
    while (flock(fd, how) < 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

/* Open PATH (created if missing) and lock it; the fd (O_CLOEXEC), or -1 after a message.
 * flock(2) belongs to the open file description: a child that inherits the fd keeps the lock,
 * so long-lived children (the container monitor) must close it. */
static int lock_path(const char *path, int how, const char *what)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return kit_fail_errno("open %s", path);
    if (lock_waiting(fd, how, what) < 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return kit_fail_errno("lock %s", path);
    }
    return fd;
}

static int make_state_dirs(void)
{
    static const char *dirs[] = {"images", "containers", "cache/layers", "tmp"};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (mkdir_p(state_path(path, "%s", dirs[i]), 0700) < 0)
            return kit_fail_errno("create %s", path);
    return 0;
}

static bool pid_alive(pid_t pid)
{
    return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/* The PID in NAME of a temp entry: tmp/'s PID.XXXXXX, or write_file_atomic's .NAME.tmpPID;
 * 0 for anything else (".", "..", the build locks). */
static pid_t temp_owner(const char *name)
{
    if (name[0] != '.')
        return (pid_t)atoi(name);
    const char *tmp = NULL;
    for (const char *p = strstr(name, ".tmp"); p; p = strstr(p + 1, ".tmp"))
        tmp = p;
    if (!tmp || tmp == name || tmp[4] == '\0' || strspn(tmp + 4, "0123456789") != strlen(tmp + 4))
        return 0;
    return (pid_t)atoi(tmp + 4);
}

/* Remove the temp entries of SUBDIR whose PID is gone: a killed conductor abandoned them. */
static void remove_abandoned(const char *subdir)
{
    char dir[PATH_MAX];
    DIR *d = opendir(state_path(dir, "%s", subdir));
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        pid_t owner = temp_owner(e->d_name);
        if (owner <= 0 || pid_alive(owner))
            continue;
        char path[PATH_MAX];
        remove_tree(state_path(path, "%s/%s", subdir, e->d_name));
    }
    closedir(d);
}

int state_lock(void)
{
    char path[PATH_MAX];
    if (make_state_dirs() < 0)
        return -1;
    int fd = lock_path(state_path(path, "lock"), LOCK_EX, "another conductor command to finish");
    if (fd < 0)
        return -1;
    remove_abandoned("tmp");
    remove_abandoned("images");
    return fd;
}

int cache_lock(bool exclusive)
{
    char path[PATH_MAX];
    if (make_state_dirs() < 0)
        return -1;
    return lock_path(state_path(path, "cache/lock"), exclusive ? LOCK_EX : LOCK_SH,
                     exclusive ? "the builds under way to finish with the layer cache"
                               : "rmi or rmcache to finish with the layer cache");
}

int layer_delete_locks(int *cache, int *state)
{
    *cache = cache_lock(true);
    *state = *cache < 0 ? -1 : state_lock();
    if (*state < 0 && *cache >= 0)
        close(*cache);
    return *state < 0 ? -1 : 0;
}

int image_build_lock(const char *name)
{
    char path[PATH_MAX], what[NAME_MAX_LEN + 64];
    snprintf(what, sizeof(what), "another build of image %s to finish", name);
    return lock_path(state_path(path, "images/.%s.build", name), LOCK_EX, what);
}

int bases_lock(const char *path, const char *base)
{
    char what[PATH_MAX + 64];
    snprintf(what, sizeof(what), "another conductor's debootstrap of %s", base);
    return lock_path(path, LOCK_EX, what);
}
