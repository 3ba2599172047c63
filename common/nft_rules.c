/* nft_rules.c - the text of one container's nftables table (see kit/nft.h for what each
 * chain does, docs/networking.md for the iptables equivalents). */
#include "kit/nft.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct text {
    char *buf;
    size_t len, used;
    int overflow;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
    if (t->overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= t->len - t->used)
        t->overflow = 1;
    else
        t->used += (size_t)n;
}

/* Names go into the script between quotes or as identifiers: allow only characters that
 * cannot end a string or start another command. */
static int safe_word(const char *s)
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
    if (!safe_word(host_if) || n < 0 || (size_t)n >= len) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

static int finish(struct text *t)
{
    if (t->overflow) {
        errno = ENOSPC;
        return -1;
    }
    return 0;
}

int kit_nft_container_script(const struct kit_nft_container *c, char *buf, size_t len)
{
    if (!safe_word(c->table) || !safe_word(c->host_if) || !safe_word(c->subnet) ||
        !safe_word(c->address) || (c->internet && !safe_word(c->uplink)) ||
        c->nports > KIT_NFT_MAX_PORTS || len == 0) {
        errno = EINVAL;
        return -1;
    }
    for (size_t i = 0; i < c->nports; i++)
        if (c->ports[i].inner < 1 || c->ports[i].inner > 65535 || c->ports[i].outer < 1 ||
            c->ports[i].outer > 65535) {
            errno = EINVAL;
            return -1;
        }

    struct text t = {buf, len, 0, 0};
    const char *h = c->host_if;
    /* "create" fails if the table exists: a second addnetwork changes nothing. */
    put(&t, "create table ip %s\n", c->table);
    put(&t, "table ip %s {\n", c->table);
    put(&t, "\tset peers {\n\t\ttype ifname\n\t}\n");

    /* Filter: a drop in any table is final, an accept only ends this table's chain.  So each
     * container's table drops what is not meant for it and never relies on another's accept. */
    put(&t, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n");
    put(&t, "\t\tiifname \"%s\" oifname @peers accept\n", h);
    put(&t, "\t\toifname \"%s\" iifname @peers accept\n", h);
    if (c->internet) {
        put(&t, "\t\tiifname \"%s\" oifname \"%s\" accept\n", h, c->uplink);
        put(&t, "\t\toifname \"%s\" iifname \"%s\" ct state established,related accept\n", h,
            c->uplink);
    }
    /* Connections to a forwarded port were DNATed on the way in, and conntrack remembers:
     * in to our own forwarded ports and their answers, and out from us to any container's
     * published port (as from any other machine). */
    if (c->nports)
        put(&t, "\t\toifname \"%s\" ct status dnat accept\n", h);
    put(&t, "\t\tiifname \"%s\" ct status dnat accept\n", h);
    put(&t, "\t\tiifname \"%s\" drop\n\t\toifname \"%s\" drop\n\t}\n", h, h);

    if (c->nports) {
        /* From other hosts, packets to OUTER arrive in prerouting; the host's own connections
         * never pass prerouting, they start in output.  "fib daddr type local": any address
         * of this host, whichever interface it is on. */
        put(&t, "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; "
                "policy accept;\n");
        for (size_t i = 0; i < c->nports; i++)
            put(&t, "\t\tfib daddr type local tcp dport %u dnat to %s:%u\n", c->ports[i].outer,
                c->address, c->ports[i].inner);
        put(&t, "\t}\n");
        put(&t, "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n");
        for (size_t i = 0; i < c->nports; i++)
            put(&t, "\t\tfib daddr type local tcp dport %u dnat to %s:%u\n", c->ports[i].outer,
                c->address, c->ports[i].inner);
        put(&t, "\t}\n");
    }
    if (c->internet || c->nports) {
        put(&t, "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; "
                "policy accept;\n");
        if (c->internet)
            put(&t, "\t\tip saddr %s oifname \"%s\" masquerade\n", c->subnet, c->uplink);
        if (c->nports)
            /* localhost:OUTER keeps source 127.0.0.1 after DNAT; the container would answer
             * its own loopback.  Give it the host's veth address instead. */
            put(&t, "\t\tip saddr 127.0.0.0/8 oifname \"%s\" masquerade\n", h);
        put(&t, "\t}\n");
    }
    put(&t, "}\n");
    return finish(&t);
}

int kit_nft_peer_script(const char *table, const char *peer_if, bool add, char *buf,
                        size_t len)
{
    if (!safe_word(table) || !safe_word(peer_if) || len == 0) {
        errno = EINVAL;
        return -1;
    }
    struct text t = {buf, len, 0, 0};
    put(&t, "%s element ip %s peers { \"%s\" }\n", add ? "add" : "delete", table, peer_if);
    return finish(&t);
}
