#include "kit/parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* strtoll/strtod skip leading blanks and take a sign: a limit is written with neither. */
static int starts_with_digit(const char *text)
{
    if (!text || !isdigit((unsigned char)text[0])) {
        errno = EINVAL;
        return 0;
    }
    return 1;
}

int kit_parse_size(const char *text, long long min, long long *bytes)
{
    if (!starts_with_digit(text))
        return -1;
    char *end;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    if (errno == ERANGE)
        return -1;
    long long unit = 1;
    switch (*end) {
    case 'k': case 'K': unit = 1LL << 10; end++; break;
    case 'm': case 'M': unit = 1LL << 20; end++; break;
    case 'g': case 'G': unit = 1LL << 30; end++; break;
    case 't': case 'T': unit = 1LL << 40; end++; break;
    }
    if (*end == 'b' || *end == 'B')
        end++;
    if (*end) {
        errno = EINVAL;
        return -1;
    }
    if (value > KIT_SIZE_MAX / unit || value * unit < min) {
        errno = ERANGE;
        return -1;
    }
    *bytes = value * unit;
    return 0;
}

int kit_parse_cpus(const char *text, double *cpus)
{
    if (!starts_with_digit(text))
        return -1;
    /* Plain decimals only: strtod would also take "1e3", "0x1p3", "infinity". */
    if (text[strspn(text, "0123456789.")] != '\0') {
        errno = EINVAL;
        return -1;
    }
    char *end;
    errno = 0;
    double value = strtod(text, &end);
    if (*end || end == text) {
        errno = EINVAL;
        return -1;
    }
    /* The kernel's smallest quota is 1 ms per 100 ms period: 0.01 CPU. */
    if (errno == ERANGE || !isfinite(value) || value < 0.01 || value > 1024) {
        errno = ERANGE;
        return -1;
    }
    *cpus = value;
    return 0;
}

int kit_parse_count(const char *text, long min, long max, long *value)
{
    if (!starts_with_digit(text))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (*end) {
        errno = EINVAL;
        return -1;
    }
    if (errno == ERANGE || v < min || v > max) {
        errno = ERANGE;
        return -1;
    }
    *value = v;
    return 0;
}
