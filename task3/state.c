/* state.c - the state root: paths, the lock, atomic writes, temp dirs, small file helpers. */
#include "conductor.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kit/err.h"

bool valid_name_quiet(const char *name)
{
    size_t len = strlen(name);
    bool ok = len >= 1 && len <= NAME_MAX_LEN;
    for (size_t i = 0; ok && i < len; i++) {
        char c = name[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        ok = alnum || (i > 0 && (c == '-' || c == '_' || c == '.'));
    }
    return ok;
}

const char *printable(const char *text, char *buf, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p && n + 8 < len; p++) {
        if (*p >= 0x20 && *p < 0x7f && *p != '\\') {
            buf[n++] = (char)*p;
            continue;
        }
        buf[n++] = '\\';
        buf[n++] = 'x';
        buf[n++] = hex[*p >> 4];
        buf[n++] = hex[*p & 15];
    }
    if (text[0] && n + 8 >= len && strlen(text) * 4 >= len - 8) {
        memcpy(buf + n, "...", 3); /* cut short */
        n += 3;
    }
    buf[n] = '\0';
    return buf;
}

bool valid_name(const char *what, const char *name)
{
    bool ok = valid_name_quiet(name);
    char shown[128];
    if (!ok)
        kit_fail("invalid %s name '%s': use 1-%d letters, digits, '-', '_', '.', "
                 "starting with a letter or digit",
                 what, printable(name, shown, sizeof(shown)), NAME_MAX_LEN);
    return ok;
}

char *state_path(char *buf, const char *fmt, ...)
{
    int n = snprintf(buf, PATH_MAX, "%s/", cfg.root);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + n, PATH_MAX - (size_t)n, fmt, ap);
    va_end(ap);
    return buf;
}

int mkdir_p(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, mode) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

bool path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP)
        return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
    return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

int remove_tree(const char *path)
{
    if (!path_exists(path))
        return 0;
    /* FTW_PHYS: never follow a symlink out of the tree; FTW_MOUNT: never descend into a mount
     * (a stale container root would otherwise be emptied through its mount). */
    if (nftw(path, remove_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
        return kit_fail_errno("remove %s", path);
    return 0;
}

static long long size_total;
static int add_size(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)path;
    (void)type;
    (void)ftw;
    size_total += (long long)st->st_blocks * 512;
    return 0;
}

long long tree_size(const char *path)
{
    size_total = 0;
    nftw(path, add_size, 32, FTW_PHYS);
    return size_total;
}

/* Free BUF, close FD, keep errno: the error return of read_file_limited. */
static char *read_failed(char *buf, int fd)
{
    int saved = errno;
    free(buf);
    close(fd);
    errno = saved;
    return NULL;
}

char *read_file_limited(const char *path, size_t max, size_t *length)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    if (!buf)
        return read_failed(buf, fd);
    for (;;) {
        if (used + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger)
                return read_failed(buf, fd);
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + used, cap - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return read_failed(buf, fd);
        if (n == 0)
            break;
        used += (size_t)n;
        if (used > max) {
            errno = EFBIG;
            return read_failed(buf, fd);
        }
    }
    close(fd);
    buf[used] = '\0';
    if (length)
        *length = used;
    return buf;
}

char *read_file(const char *path)
{
    return read_file_limited(path, SIZE_MAX / 4, NULL);
}

int write_file_atomic(const char *path, const char *content)
{
    /* The temp name starts with '.', which no image or container name may: listings skip it. */
    char tmp[PATH_MAX];
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    snprintf(tmp, sizeof(tmp), "%.*s.%s.tmp%d", dirlen, path, path + dirlen, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    size_t len = strlen(content), done = 0;
    while (done < len) {
        ssize_t n = write(fd, content + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            unlink(tmp);
            return -1;
        }
        done += (size_t)n;
    }
    /* rename(2) is atomic: a reader sees the old file or the new one, never half of one, and
     * a conductor killed at any point leaves one or the other.  (No fsync: that would only
     * matter for a power cut, and costs a millisecond per file on every container start.) */
    if (close(fd) < 0 || rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        errno = saved;
        return -1;
    }
    return 0;
}

unsigned long long process_start_time(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    char *text = read_file(path);
    if (!text)
        return 0;
    /* "PID (comm) S ppid ...": comm may hold spaces and parens, so start after the last ')'.
     * starttime is field 22; after ')' comes field 3. */
    unsigned long long start = 0;
    char *p = strrchr(text, ')');
    /* Field 3 is the state: a zombie (Z) or dead (X) process has finished already. */
    if (p && (p[2] == 'Z' || p[2] == 'X'))
        p = NULL;
    if (p) {
        p++;
        for (int field = 3; field <= 22 && p; field++) {
            while (*p == ' ')
                p++;
            if (field == 22)
                start = strtoull(p, NULL, 10);
            p = strchr(p, ' ');
        }
    }
    free(text);
    return start;
}

int state_tmpdir(char *out)
{
    char path[PATH_MAX];
    snprintf(out, PATH_MAX, "%s", state_path(path, "tmp/%d.XXXXXX", (int)getpid()));
    if (!mkdtemp(out))
        return kit_fail_errno("mkdtemp %s", out);
    return 0;
}

void format_time(long t, char *buf, size_t len)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

void format_size(long long bytes, char *buf, size_t len)
{
    if (bytes >= 10LL << 20)
        snprintf(buf, len, "%.1fMB", (double)bytes / (1 << 20));
    else
        snprintf(buf, len, "%.1fkB", (double)bytes / 1024);
}
