#include "kit/mountinfo.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* Split LINE (modified in place) into fields at spaces; returns how many. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(line, " \n", &save); tok && n < max;
         tok = strtok_r(NULL, " \n", &save))
        fields[n++] = tok;
    return n;
}

/* Is mount point POINT the path PATH, or (with BELOW) a path under it? */
static bool matches(const char *point, const char *path, bool below)
{
    size_t len = strlen(path);
    if (!below)
        return strcmp(point, path) == 0;
    return strncmp(point, path, len) == 0 && (point[len] == '/' || point[len] == '\0');
}

/* Call VISIT for each line whose mount point is PATH (with BELOW: or lies under it); returns
 * the matches or -1. */
static int for_each_mount(const char *mountinfo, const char *path, bool below,
                          void (*visit)(char **fields, int n, void *ctx), void *ctx)
{
    FILE *f = fopen(mountinfo, "re");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    int matched = 0;
    while (getline(&line, &cap, f) > 0) {
        char *fields[64];
        int n = split_fields(line, fields, 64);
        /* Mount points with spaces are escaped as \040 by the kernel, so a plain compare works
         * for the plain paths callers ask about. */
        if (n >= 7 && matches(fields[4], path, below)) {
            matched++;
            if (visit)
                visit(fields, n, ctx);
        }
    }
    free(line);
    fclose(f);
    return matched;
}

struct describe {
    char *buf;
    size_t len;
};

static void describe_propagation(char **fields, int n, void *ctx)
{
    struct describe *d = ctx;
    d->buf[0] = '\0';
    for (int i = 6; i < n && strcmp(fields[i], "-") != 0; i++) {
        size_t used = strlen(d->buf);
        snprintf(d->buf + used, d->len - used, "%s%s", used ? " " : "", fields[i]);
    }
    if (d->buf[0] == '\0')
        snprintf(d->buf, d->len, "private");
}

int kit_mount_propagation(const char *mountinfo, const char *mount_point, char *buf, size_t len)
{
    struct describe d = {buf, len};
    int n = for_each_mount(mountinfo, mount_point, false, describe_propagation, &d);
    if (n < 0)
        return -1;
    if (n == 0) {
        errno = ENOENT;
        return -1;
    }
    return 0;
}

int kit_mount_count(const char *mountinfo, const char *mount_point)
{
    return for_each_mount(mountinfo, mount_point, false, NULL, NULL);
}

static void detach(char **fields, int n, void *ctx)
{
    (void)n;
    if (umount2(fields[4], MNT_DETACH) == 0)
        ++*(int *)ctx;
}

int kit_detach_mounts_below(const char *dir)
{
    /* A detached mount takes the ones on top of it along; what was stacked under it shows up
     * on the next pass. */
    int total = 0;
    for (int pass = 0; pass < 16; pass++) {
        int detached = 0;
        if (for_each_mount("/proc/self/mountinfo", dir, true, detach, &detached) < 0)
            return -1;
        if (detached == 0)
            break;
        total += detached;
    }
    return total;
}
