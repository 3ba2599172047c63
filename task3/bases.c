/* bases.c - `FROM debian:SUITE` / `FROM ubuntu:SUITE`: debootstrap the distribution once into
 * cfg.bases/DISTRO-SUITE, which later builds (and other state roots sharing the cache) reuse.
 *
 * The base is made in a temp dir and renamed into place only when debootstrap succeeded, under
 * a lock file that two conductors sharing the cache wait on.  debootstrap mounts proc and sys
 * inside the target and runs dpkg there for minutes: it runs as PID 1's child in a PID and
 * mount namespace of its own, so a conductor killed half way takes all of it down (PID 1 dies
 * with conductor, and the kernel kills the rest of its PID namespace), and its mounts vanish
 * with the namespace instead of staying in the host's.  A temp dir that a killed build left is
 * removed by the next one (mounts still on it, from a kit older than this, are detached
 * first). */
#include "conductor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/exec.h"
#include "kit/mountinfo.h"
#include "kit/run.h"

/* Die with our parent (prctl(2) PR_SET_PDEATHSIG), even if it died before we asked: then
 * the write end of ALIVE, which only the parent holds, is closed and the read end says so.
 * (getppid(2) cannot tell: PID 1 of a new PID namespace always sees 0.) */
static void die_with_parent(int alive[2])
{
    close(alive[1]);
    struct pollfd p = {.fd = alive[0], .events = POLLIN};
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || poll(&p, 1, 0) != 0)
        _exit(125);
    close(alive[0]);
}

/* The child: new mount and PID namespaces (mounts private, so nothing propagates back), then
 * PID 1 of the new PID namespace runs ARGV and waits for it. */
static void bootstrap_child(char *const argv[], int alive[2])
{
    die_with_parent(alive);
    if (unshare(CLONE_NEWNS | CLONE_NEWPID) < 0 ||
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 || pipe2(alive, O_CLOEXEC) < 0) {
        kit_fail_errno("debootstrap: new mount and PID namespaces");
        _exit(125);
    }
    pid_t init = fork(); /* the first child after unshare(CLONE_NEWPID) is its PID 1 */
    if (init < 0)
        _exit(125);
    if (init == 0) {
        die_with_parent(alive);
        if (kit_exec_prepare(NULL, 0) < 0)
            _exit(125);
        execvp(argv[0], argv);
        kit_fail_errno("run %s", argv[0]);
        _exit(127);
    }
    close(alive[0]);
    _exit(kit_wait_status(init) & 0xff);
}

/* Run ARGV as described above; its exit status (as kit_run), or -1. */
static int run_isolated(char *const argv[])
{
    int alive[2];
    if (pipe2(alive, O_CLOEXEC) < 0)
        return kit_fail_errno("pipe");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(alive[0]);
        close(alive[1]);
        return kit_fail_errno("fork");
    }
    if (pid == 0)
        bootstrap_child(argv, alive);
    close(alive[0]);
    int status = kit_wait_status(pid);
    close(alive[1]);
    return status;
}

/* Remove a temp base that a killed build left, with any mounts still on it (an older kit
 * leaked proc and sys there into the host's mount namespace; remove_tree never crosses a
 * mount). */
static int remove_temp_base(const char *tmp)
{
    kit_detach_mounts_below(tmp);
    return remove_tree(tmp);
}

static int debootstrap(const char *distro, const char *suite, const char *tmp)
{
    const char *mirror = strcmp(distro, "ubuntu") == 0 ? cfg.ubuntu_mirror : cfg.debian_mirror;
    printf("debootstrap %s %s from %s (once; later builds reuse it)\n", distro, suite, mirror);
    fflush(stdout);
    /* Ubuntu's release files are signed with Ubuntu's key, which a Debian host has only with
     * the ubuntu-keyring package (or a copy of the file). */
    static const char ubuntu_keyring[] = "/usr/share/keyrings/ubuntu-archive-keyring.gpg";
    char *argv[8];
    int n = 0;
    argv[n++] = "debootstrap";
    argv[n++] = "--variant=minbase";
    if (strcmp(distro, "ubuntu") == 0 && path_exists(ubuntu_keyring))
        argv[n++] = "--keyring=/usr/share/keyrings/ubuntu-archive-keyring.gpg";
    argv[n++] = (char *)suite;
    argv[n++] = (char *)tmp;
    argv[n++] = (char *)mirror;
    argv[n] = NULL;
    int status = run_isolated(argv);
    if (status != 0)
        return kit_fail("debootstrap %s %s from %s failed (status %d)", distro, suite, mirror, status);
    return 0;
}

int ensure_debootstrap_base(const char *distro, const char *suite, char *base)
{
    snprintf(base, PATH_MAX, "%s/%s-%s", cfg.bases, distro, suite);
    if (path_exists(base))
        return 0;
    if (mkdir_p(cfg.bases, 0755) < 0)
        return kit_fail_errno("create %s", cfg.bases);
    char lockpath[PATH_MAX], tmp[PATH_MAX];
    snprintf(lockpath, sizeof(lockpath), "%s/.lock", cfg.bases);
    int lock = bases_lock(lockpath, base);
    if (lock < 0)
        return -1;
    int rc = 0;
    if (!path_exists(base)) {
        /* Left by a build killed half way, if it is there: we hold the lock, nobody uses it. */
        snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-%s", cfg.bases, distro, suite);
        if (remove_temp_base(tmp) < 0)
            rc = -1;
        else if (debootstrap(distro, suite, tmp) < 0)
            rc = -1;
        else if (rename(tmp, base) < 0)
            rc = kit_fail_errno("rename %s", tmp);
        if (rc < 0)
            remove_tree(tmp);
    }
    close(lock);
    return rc;
}

int bases_remove_abandoned(void)
{
    DIR *d = opendir(cfg.bases);
    if (!d)
        return 0;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strncmp(e->d_name, ".tmp-", 5) == 0) {
            char tmp[PATH_MAX];
            snprintf(tmp, sizeof(tmp), "%s/%s", cfg.bases, e->d_name);
            if (remove_temp_base(tmp) < 0)
                rc = -1;
        }
    closedir(d);
    return rc;
}
