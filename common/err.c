#include "kit/err.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *prog_name = "kit";

void kit_set_prog(const char *name)
{
    const char *slash = strrchr(name, '/');
    prog_name = slash ? slash + 1 : name;
}

const char *kit_prog(void) { return prog_name; }

static void print_line(const char *fmt, va_list ap, const char *reason)
{
    /* Build the line first so concurrent writers do not interleave halves of it. */
    char line[1024];
    int n = snprintf(line, sizeof(line), "%s: ", prog_name);
    if (n < 0 || (size_t)n >= sizeof(line))
        n = 0;
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    if (m > 0)
        n = (size_t)(n + m) < sizeof(line) ? n + m : (int)sizeof(line) - 1;
    if (reason)
        snprintf(line + n, sizeof(line) - (size_t)n, ": %s", reason);
    fprintf(stderr, "%s\n", line);
}

int kit_fail(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    print_line(fmt, ap, NULL);
    va_end(ap);
    errno = saved;
    return -1;
}

int kit_fail_code(int err, const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    print_line(fmt, ap, strerror(err));
    va_end(ap);
    errno = saved;
    return -1;
}

int kit_fail_errno(const char *fmt, ...)
{
    int saved = errno;
    va_list ap;
    va_start(ap, fmt);
    print_line(fmt, ap, strerror(saved));
    va_end(ap);
    errno = saved;
    return -1;
}
