/* build_copy.c - COPY SRC... DEST: sources from the build context into a new layer (3.e).
 *
 * Safety first: a source must be a relative path inside the context (no "..", no absolute
 * path) and must still be inside after resolving symlinks, or a Conductorfile could copy
 * /etc/shadow into an image.  The destination is resolved inside the image's root with
 * openat2(RESOLVE_IN_ROOT): an absolute symlink in the image (Debian's /bin -> usr/bin is
 * relative, but an image could have /x -> /etc) is then followed relative to the image root,
 * never into the host. */
#include "conductor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/file.h"
#include "kit/rootfs.h"
#include "kit/run.h"

/* Resolve SRC against the context: 0 and its real path in REAL, or -1 with the message. */
static int resolve_source(const struct build_step *step, const char *src, char *real)
{
    if (src[0] == '/')
        return kit_fail("%s:%d: COPY source '%s' must be a path inside the build context",
                        step->file, step->line, src);
    for (const char *p = src; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
        if (strncmp(p, "..", 2) == 0 && (p[2] == '/' || p[2] == '\0'))
            return kit_fail("%s:%d: COPY source '%s' leaves the build context (..)",
                            step->file, step->line, src);
    char joined[PATH_MAX];
    snprintf(joined, sizeof(joined), "%s/%s", step->context, src);
    if (!realpath(joined, real))
        return kit_fail_errno("%s:%d: COPY source '%s'", step->file, step->line, src);
    size_t n = strlen(step->context);
    if (strncmp(real, step->context, n) != 0 || (real[n] != '/' && real[n] != '\0'))
        return kit_fail("%s:%d: COPY source '%s' is a symlink out of the build context",
                        step->file, step->line, src);
    return 0;
}

static int compare_names(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

/* Add PATH (named REL in the hash) to H: type, mode, then bytes, link target or children. */
static int hash_entry(struct hasher *h, const char *path, const char *rel)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return kit_fail_errno("%s", path);
    char meta[64];
    snprintf(meta, sizeof(meta), "%o", (unsigned)st.st_mode);
    hasher_add_str(h, rel);
    hasher_add_str(h, meta);
    if (S_ISREG(st.st_mode)) {
        int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            return kit_fail_errno("%s", path);
        char buf[65536];
        ssize_t n;
        while ((n = read(fd, buf, sizeof(buf))) > 0)
            hasher_add(h, buf, (size_t)n);
        close(fd);
        return n < 0 ? kit_fail_errno("read %s", path) : 0;
    }
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(path, target, sizeof(target) - 1);
        if (n < 0)
            return kit_fail_errno("readlink %s", path);
        target[n] = '\0';
        hasher_add_str(h, target);
        return 0;
    }
    if (!S_ISDIR(st.st_mode))
        return 0;
    struct dirent **entries;
    int count = scandir(path, &entries, NULL, compare_names);
    if (count < 0)
        return kit_fail_errno("%s", path);
    int rc = 0;
    for (int i = 0; i < count; i++) {
        const char *name = entries[i]->d_name;
        if (rc == 0 && strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
            char child[PATH_MAX], childrel[PATH_MAX];
            snprintf(child, sizeof(child), "%s/%s", path, name);
            snprintf(childrel, sizeof(childrel), "%s/%s", rel, name);
            rc = hash_entry(h, child, childrel);
        }
        free(entries[i]);
    }
    free(entries);
    return rc;
}

int copy_hash_sources(const struct build_step *step, char **srcs, int nsrcs, struct hasher *h)
{
    for (int i = 0; i < nsrcs; i++) {
        char real[PATH_MAX];
        if (resolve_source(step, srcs[i], real) < 0 || hash_entry(h, real, srcs[i]) < 0)
            return -1;
    }
    return 0;
}

/* openat2(ROOTFD, PATH, RESOLVE_IN_ROOT): PATH is looked up as if ROOTFD were "/". */
static int open_in_root(int rootfd, const char *path, int flags)
{
    struct open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT};
    return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* mkdir -p PATH inside the root; returns an fd of the directory. */
static int make_dirs_in_root(int rootfd, const char *path)
{
    char buf[PATH_MAX];
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (buf[0] != '\0') {
            int fd = open_in_root(rootfd, buf, O_RDONLY | O_DIRECTORY);
            if (fd < 0) {
                /* Create the last component in its (already resolved) parent. */
                char *slash = strrchr(buf, '/');
                int parent = slash == buf || !slash ? dup(rootfd) : -1;
                if (parent < 0 && slash) {
                    *slash = '\0';
                    parent = open_in_root(rootfd, buf, O_RDONLY | O_DIRECTORY);
                    *slash = '/';
                }
                if (parent < 0 || mkdirat(parent, slash ? slash + 1 : buf, 0755) < 0) {
                    int e = errno;
                    if (parent >= 0)
                        close(parent);
                    errno = e;
                    return kit_fail_errno("mkdir %s in the image", buf);
                }
                close(parent);
            } else {
                close(fd);
            }
        }
        *p = saved;
        if (saved == '\0')
            break;
    }
    int fd = open_in_root(rootfd, path[0] ? path : "/", O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return kit_fail_errno("open %s in the image", path);
    return fd;
}

/* >>> 3.e Copy SRC (a file, a symlink or a directory, recursively) of the build context to
 *     NAME in the directory DSTDIR of the new layer's root.  Keep each file's mode; copy a
 *     symlink as a symlink (do not follow it: it could point out of the context); for a
 *     directory make NAME (mkdirat) and copy every entry into it.  Work relative to DSTDIR with
 *     openat/mkdirat/symlinkat and O_NOFOLLOW so nothing in the image redirects the write.
 *     Replace an existing file of the same name.
 *     Test: conductor build img && ls $CONDUCTOR_ROOT/cache/layers/ID/ */
static int copy_entry(const char *src, int dstdir, const char *name)
{
    struct stat st;
    if (lstat(src, &st) < 0)
        return kit_fail_errno("%s", src);
    if (S_ISLNK(st.st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlink(src, target, sizeof(target) - 1);
        if (n < 0)
            return kit_fail_errno("readlink %s", src);
        target[n] = '\0';
        unlinkat(dstdir, name, 0);
        if (symlinkat(target, dstdir, name) < 0)
            return kit_fail_errno("symlink %s", name);
        return 0;
    }
    if (S_ISDIR(st.st_mode)) {
        if (mkdirat(dstdir, name, st.st_mode & 07777) < 0 && errno != EEXIST)
            return kit_fail_errno("mkdir %s", name);
        int sub = openat(dstdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        DIR *d = opendir(src);
        if (sub < 0 || !d)
            return kit_fail_errno("open %s", sub < 0 ? name : src);
        int rc = 0;
        struct dirent *e;
        while (rc == 0 && (e = readdir(d))) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[PATH_MAX];
            snprintf(child, sizeof(child), "%s/%s", src, e->d_name);
            rc = copy_entry(child, sub, e->d_name);
        }
        closedir(d);
        close(sub);
        return rc;
    }
    if (!S_ISREG(st.st_mode))
        return kit_fail("%s: only files, directories and symlinks can be copied", src);
    int in = open(src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return kit_fail_errno("%s", src);
    unlinkat(dstdir, name, 0); /* a new inode: never write through a hard link of the image */
    int out = openat(dstdir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     st.st_mode & 07777);
    if (out < 0) {
        close(in);
        return kit_fail_errno("create %s", name);
    }
    int rc = 0;
    if (kit_copy_fd(in, out) < 0)
        rc = kit_fail_errno("copy %s", src);
    /* open(2) applied the umask; set the exact mode. */
    if (rc == 0 && fchmod(out, st.st_mode & 07777) < 0)
        rc = kit_fail_errno("chmod %s", name);
    close(in);
    close(out);
    return rc;
}
/* <<< 3.e stub: static int copy_entry(const char *src, int dstdir, const char *name) { (void)src; (void)dstdir; (void)name; return kit_fail("COPY: not implemented (3.e)"); } */

static int not_dot_or_dotdot(const struct dirent *e)
{
    return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
}

/* Copy what directory REAL holds (not REAL itself) into DIRFD, entry by entry. */
static int copy_contents(const char *real, int dirfd)
{
    struct dirent **names;
    int count = scandir(real, &names, not_dot_or_dotdot, alphasort);
    if (count < 0)
        return kit_fail_errno("read directory %s", real);
    int rc = 0;
    for (int i = 0; i < count; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s", real, names[i]->d_name);
        if (rc == 0)
            rc = copy_entry(path, dirfd, names[i]->d_name);
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Runs in a child with its own mount namespace: mount the layers below with the new layer's
 * upper dir on top, then copy each source to DEST (relative DEST: relative to WORKDIR). */
static int copy_in_overlay(const struct build_step *step, char **srcs, int nsrcs, const char *dest)
{
    if (unshare(CLONE_NEWNS) < 0)
        return kit_fail_errno("unshare(CLONE_NEWNS)");
    if (kit_make_mounts_private() < 0 ||
        mount_layers(step->below, step->upper, step->work, step->merged) < 0)
        return -1;
    int rootfd = open(step->merged, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return kit_fail_errno("open %s", step->merged);
    char target[PATH_MAX];
    if (dest[0] == '/')
        snprintf(target, sizeof(target), "%s", dest);
    else
        snprintf(target, sizeof(target), "%s/%s", step->below->workdir, dest);
    size_t len = strlen(target);
    bool dest_is_dir = target[len - 1] == '/' || nsrcs > 1;
    while (len > 1 && target[len - 1] == '/')
        target[--len] = '\0';
    int probe = open_in_root(rootfd, target, O_RDONLY | O_DIRECTORY);
    if (probe >= 0) {
        dest_is_dir = true;
        close(probe);
    }
    for (int i = 0; i < nsrcs; i++) {
        char real[PATH_MAX];
        struct stat st;
        if (resolve_source(step, srcs[i], real) < 0 || stat(real, &st) < 0)
            return -1;
        int dirfd;
        const char *name;
        char parent[PATH_MAX];
        if (S_ISDIR(st.st_mode)) {
            /* A directory's contents go into DEST (as Docker does). */
            dirfd = make_dirs_in_root(rootfd, target);
            if (dirfd < 0)
                return -1;
            int rc = copy_contents(real, dirfd);
            close(dirfd);
            if (rc < 0)
                return -1;
            continue;
        }
        if (dest_is_dir) {
            snprintf(parent, sizeof(parent), "%s", target);
            name = strrchr(real, '/') + 1;
        } else {
            snprintf(parent, sizeof(parent), "%s", target);
            char *slash = strrchr(parent, '/');
            name = strrchr(target, '/') + 1;
            slash[slash == parent ? 1 : 0] = '\0';
        }
        dirfd = make_dirs_in_root(rootfd, parent);
        if (dirfd < 0)
            return -1;
        int rc = copy_entry(real, dirfd, name);
        close(dirfd);
        if (rc < 0)
            return -1;
    }
    close(rootfd);
    return 0;
}

int copy_step(const struct build_step *step, char **srcs, int nsrcs, const char *dest)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return kit_fail_errno("fork");
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* die with a killed conductor */
        _exit(copy_in_overlay(step, srcs, nsrcs, dest) < 0 ? 1 : 0);
    }
    int status = kit_wait_status(pid);
    if (status != 0)
        return kit_fail("%s:%d: COPY failed", step->file, step->line);
    return 0;
}
