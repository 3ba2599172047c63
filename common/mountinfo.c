#include "kit/mountinfo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Split LINE (modified in place) into fields at spaces; returns how many. */
static int split_fields(char *line, char **fields, int max)
{
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(line, " \n", &save); tok && n < max;
         tok = strtok_r(NULL, " \n", &save))
        fields[n++] = tok;
    return n;
}

/* Call VISIT for each line whose mount point is MOUNT_POINT; returns matches or -1. */
static int for_each_mount_at(const char *mountinfo, const char *mount_point,
                             void (*visit)(char **fields, int n, void *ctx), void *ctx)
{
    FILE *f = fopen(mountinfo, "r");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    int matches = 0;
    while (getline(&line, &cap, f) > 0) {
        char *fields[64];
        int n = split_fields(line, fields, 64);
        /* Mount points with spaces are escaped as \040 by the kernel, so a plain compare works
         * for the plain paths callers ask about. */
        if (n >= 7 && strcmp(fields[4], mount_point) == 0) {
            matches++;
            if (visit)
                visit(fields, n, ctx);
        }
    }
    free(line);
    fclose(f);
    return matches;
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
    int n = for_each_mount_at(mountinfo, mount_point, describe_propagation, &d);
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
    return for_each_mount_at(mountinfo, mount_point, NULL, NULL);
}
