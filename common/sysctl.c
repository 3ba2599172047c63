/* sysctl.c - /proc/sys read and write (see kit/sysctl.h for the namespace rule). */
#include "kit/sysctl.h"

#include "kit/err.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* "net.ipv4.ip_forward" -> "/proc/sys/net/ipv4/ip_forward"; a name with a slash is a path. */
static int sysctl_path(const char *name, char *path, size_t len)
{
    int n = snprintf(path, len, "/proc/sys/%s", name);
    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (!strchr(name, '/'))
        for (char *p = path + strlen("/proc/sys/"); *p; p++)
            if (*p == '.')
                *p = '/';
    return 0;
}

int kit_sysctl_write(const char *name, const char *value)
{
    char path[256];
    if (sysctl_path(name, path, sizeof(path)) < 0)
        return kit_fail_errno("sysctl %s", name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return kit_fail_errno("sysctl %s: open %s", name, path);
    size_t len = strlen(value);
    ssize_t n = write(fd, value, len);
    int saved = errno;
    close(fd);
    if (n != (ssize_t)len) {
        errno = n < 0 ? saved : EIO;
        return kit_fail_errno("sysctl %s=%s", name, value);
    }
    return 0;
}

int kit_sysctl_read(const char *name, char *buf, size_t len)
{
    char path[256];
    if (len == 0 || sysctl_path(name, path, sizeof(path)) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    int saved = errno;
    close(fd);
    if (n < 0) {
        errno = saved;
        return -1;
    }
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
        buf[--n] = '\0';
    return 0;
}
