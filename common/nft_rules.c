/* nft_rules.c - names that may go into an nft script (the rules themselves are task 3.c). */
#include "kit/nft.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Names go into the script between quotes or as identifiers: allow only characters that
 * cannot end a string or start another command. */
int kit_nft_word_ok(const char *s)
{
    if (!s || !*s || strlen(s) > 64)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("-_./:", *s))
            return 0;
    return 1;
}

int kit_nft_table_name(const char *host_if, char *buf, size_t len)
{
    int n = snprintf(buf, len, "kit_%s", host_if);
    if (!kit_nft_word_ok(host_if) || n < 0 || (size_t)n >= len) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}
