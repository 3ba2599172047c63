/* busybox.c - build a minimal busybox root filesystem (see kit/busybox.h). */
#include "kit/busybox.h"
#include "kit/err.h"
#include "kit/file.h"
#include "kit/run.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st, (void)type, (void)ftw;
    return remove(path);
}

/* rm -rf DIR, without following symlinks or crossing into other filesystems. */
static void remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

/* PATH = ROOT/REL; -1 with a message if it does not fit. */
static int path_in(char path[PATH_MAX], const char *root, const char *rel)
{
    int n = snprintf(path, PATH_MAX, "%s/%s", root, rel);
    if (n < 0 || n >= PATH_MAX)
        return kit_fail("path too long: %s/%s", root, rel);
    return 0;
}

static int write_file(const char *dir, const char *rel, const char *text, mode_t mode)
{
    char path[PATH_MAX];
    if (path_in(path, dir, rel) < 0)
        return -1;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return kit_fail_errno("create %s", path);
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    if (close(fd) < 0 || n != (ssize_t)len)
        return kit_fail_errno("write %s", path);
    return 0;
}

static int copy_file(const char *src, const char *dst, mode_t mode)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return kit_fail_errno("open %s (is busybox-static installed?)", src);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (out < 0) {
        kit_fail_errno("create %s", dst);
        close(in);
        return -1;
    }
    int rc = 0;
    if (kit_copy_fd(in, out) < 0)
        rc = kit_fail_errno("copy %s to %s", src, dst);
    close(in);
    if (close(out) < 0 && rc == 0)
        rc = kit_fail_errno("write %s", dst);
    return rc;
}

/* Symlink applet path REL ("usr/bin/head") to the one binary, relative so it works at any root. */
static int link_applet(const char *root, const char *rel)
{
    char path[PATH_MAX], target[PATH_MAX] = "";
    const char *last_slash = strrchr(rel, '/');
    if (last_slash && last_slash - rel == 3 && strncmp(rel, "bin/", 4) == 0) {
        strcpy(target, "busybox"); /* bin/sh -> busybox */
    } else {
        for (const char *p = strchr(rel, '/'); p; p = strchr(p + 1, '/'))
            strcat(target, "../"); /* usr/bin/head -> ../../bin/busybox */
        strcat(target, "bin/busybox");
    }
    if (strcmp(rel, "bin/busybox") == 0)
        return 0;
    if (path_in(path, root, rel) < 0)
        return -1;
    if (symlink(target, path) < 0 && errno != EEXIST)
        return kit_fail_errno("symlink %s", path);
    return 0;
}

static int fill_rootfs(const char *root)
{
    static const char *const dirs[] = {"bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc",
                                       "proc", "sys", "dev", "tmp", "root", "var"};
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        if (path_in(path, root, dirs[i]) < 0)
            return -1;
        if (mkdir(path, 0755) < 0)
            return kit_fail_errno("mkdir %s", path);
    }
    if (path_in(path, root, "tmp") < 0)
        return -1;
    if (chmod(path, 01777) < 0) /* sticky, writable by all: what every /tmp is */
        return kit_fail_errno("chmod %s", path);
    if (path_in(path, root, "bin/busybox") < 0)
        return -1;
    if (copy_file(KIT_BUSYBOX_BIN, path, 0755) < 0)
        return -1;

    /* Ask the copied binary (the same one the container runs) where its applets belong. */
    static char list[65536];
    char *argv[] = {path, "--list-full", NULL};
    int status = kit_run_capture(argv, list, sizeof(list));
    if (status != 0)
        return kit_fail("%s --list-full failed (status %d)", path, status);
    for (char *save, *line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (*line && link_applet(root, line) < 0)
            return -1;

    if (write_file(root, "etc/passwd",
                   "root:x:0:0:root:/root:/bin/sh\n"
                   "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", 0644) < 0 ||
        write_file(root, "etc/group", "root:x:0:\nnogroup:x:65534:\n", 0644) < 0 ||
        write_file(root, "etc/hostname", "busybox\n", 0644) < 0)
        return -1;
    return 0;
}

int kit_busybox_rootfs(const char *dir)
{
    char tmp[PATH_MAX];
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    if (len == 0 || (size_t)snprintf(tmp, sizeof(tmp), "%.*s.tmp-XXXXXX", (int)len, dir) >= sizeof(tmp))
        return kit_fail("bad rootfs path: '%s'", dir);
    if (!mkdtemp(tmp))
        return kit_fail_errno("make a temp dir next to %s", dir);
    if (chmod(tmp, 0755) < 0 || fill_rootfs(tmp) < 0) {
        if (errno)
            kit_fail_errno("build busybox rootfs in %s", tmp);
        remove_tree(tmp);
        return -1;
    }
    /* rename(2) is atomic: a reader sees no DIR or a complete one.  It replaces only an
     * empty directory; a non-empty DIR fails with ENOTEMPTY or EEXIST. */
    if (rename(tmp, dir) < 0) {
        kit_fail_errno("rename %s to %s", tmp, dir);
        remove_tree(tmp);
        return -1;
    }
    return 0;
}
