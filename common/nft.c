/* nft.c - running nftables scripts through libnftables (what the nft(8) command does).
 * `nft -f FILE` equivalent: nft_run_cmd_from_buffer() parses the whole script and sends it to
 * the kernel as one netlink batch, which the kernel commits or rejects as a whole. */
#include "kit/nft.h"

#include "kit/err.h"

#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <string.h>

/* nft's errors come as several lines: "Error: why", the offending command, a ^^^ marker.
 * Make one line of the first two. */
static void report_error(const char *text)
{
    char why[300] = "", where[300] = "";
    if (!text || !*text) {
        kit_fail("nft: failed (no message)");
        return;
    }
    const char *nl = strchr(text, '\n');
    size_t n = nl ? (size_t)(nl - text) : strlen(text);
    snprintf(why, sizeof(why), "%.*s", (int)n, text);
    if (nl && nl[1]) {
        const char *start = nl + 1, *end = strchr(start, '\n');
        n = end ? (size_t)(end - start) : strlen(start);
        snprintf(where, sizeof(where), "%.*s", (int)n, start);
    }
    if (*where && !strstr(why, where))
        kit_fail("nft: %s (in: %s)", why, where);
    else
        kit_fail("nft: %s", why);
}

static int run(const char *script, char *out, size_t len)
{
    struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
    if (!ctx) {
        errno = ENOMEM;
        return kit_fail_errno("nft: context");
    }
    nft_ctx_buffer_output(ctx);
    nft_ctx_buffer_error(ctx);
    int rc = nft_run_cmd_from_buffer(ctx, script);
    if (rc != 0) {
        report_error(nft_ctx_get_error_buffer(ctx));
        errno = EINVAL;
    } else if (out && len) {
        snprintf(out, len, "%s", nft_ctx_get_output_buffer(ctx));
    }
    nft_ctx_free(ctx);
    return rc == 0 ? 0 : -1;
}

int kit_nft_run(const char *script) { return run(script, NULL, 0); }

int kit_nft_run_capture(const char *script, char *out, size_t len)
{
    return run(script, out, len);
}

int kit_nft_table_exists(const char *family, const char *name)
{
    char cmd[128], want[160], tables[16384];
    snprintf(cmd, sizeof(cmd), "list tables %s", family);
    snprintf(want, sizeof(want), "table %s %s", family, name);
    if (run(cmd, tables, sizeof(tables)) < 0)
        return -1;
    /* One "table FAMILY NAME" per line. */
    size_t wlen = strlen(want);
    for (const char *line = tables; *line;) {
        if (strncmp(line, want, wlen) == 0 && (line[wlen] == '\n' || line[wlen] == '\0'))
            return 1;
        const char *next = strchr(line, '\n');
        if (!next)
            break;
        line = next + 1;
    }
    return 0;
}

int kit_nft_table_delete(const char *family, const char *name)
{
    /* "add" is a no-op when the table exists and creates it when it does not, so the delete
     * that follows in the same transaction always has something to delete. */
    char script[256];
    snprintf(script, sizeof(script), "add table %s %s\ndelete table %s %s\n", family, name,
             family, name);
    return kit_nft_run(script);
}
