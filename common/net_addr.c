/* net_addr.c - how the kit names and numbers container networks (no netlink here). */
#include "kit/net.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a: small, stable across runs and machines, good enough to tell names apart. */
static uint32_t fnv1a(const char *text)
{
    uint32_t hash = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        hash ^= *p;
        hash *= 16777619u;
    }
    return hash;
}

static int plain_char(char c)
{
    return isalnum((unsigned char)c) || c == '-' || c == '_';
}

int kit_ifname_derive(const char *prefix, const char *name, char out[KIT_IFNAME_LEN])
{
    const size_t max = KIT_IFNAME_LEN - 1; /* 15 characters + NUL */
    size_t plen = strlen(prefix), nlen = strlen(name);
    if (nlen == 0 || plen > 8) {
        errno = EINVAL;
        return -1;
    }
    int plain = 1;
    for (size_t i = 0; i < nlen; i++)
        plain &= plain_char(name[i]);
    if (plain && plen + nlen <= max) {
        memcpy(out, prefix, plen);
        memcpy(out + plen, name, nlen + 1);
        return 0;
    }
    /* prefix + head + '-' + 5 hex digits = 15 */
    size_t head = max - plen - 6;
    if (head > nlen)
        head = nlen;
    memcpy(out, prefix, plen);
    for (size_t i = 0; i < head; i++)
        out[plen + i] = plain_char(name[i]) ? name[i] : '_';
    char tail[16];
    snprintf(tail, sizeof(tail), "-%05x", (unsigned)(fnv1a(name) & 0xfffff));
    memcpy(out + plen + head, tail, 7); /* 6 characters and the NUL */
    return 0;
}

int kit_ipv4_parse_cidr(const char *text, struct kit_ipv4_net *net)
{
    char addr[INET_ADDRSTRLEN];
    const char *slash = strchr(text, '/');
    if (!slash || (size_t)(slash - text) >= sizeof(addr) || !isdigit((unsigned char)slash[1]))
        goto bad;
    memcpy(addr, text, (size_t)(slash - text));
    addr[slash - text] = '\0';
    struct in_addr in;
    if (inet_pton(AF_INET, addr, &in) != 1)
        goto bad;
    char *end;
    unsigned long prefix = strtoul(slash + 1, &end, 10);
    if (*end || prefix > 32)
        goto bad;
    uint32_t host_mask = prefix == 32 ? 0 : 0xffffffffu >> prefix;
    uint32_t a = ntohl(in.s_addr);
    if (a & host_mask)
        goto bad;
    net->addr = a;
    net->prefix = (unsigned)prefix;
    return 0;
bad:
    errno = EINVAL;
    return -1;
}

unsigned kit_ipv4_subnet24_count(const struct kit_ipv4_net *pool)
{
    return pool->prefix > 24 ? 0 : 1u << (24 - pool->prefix);
}

int kit_ipv4_subnet24(const struct kit_ipv4_net *pool, unsigned index, struct kit_ipv4_net *out)
{
    if (pool->prefix > 24) {
        errno = EINVAL;
        return -1;
    }
    if (index >= kit_ipv4_subnet24_count(pool)) {
        errno = ERANGE;
        return -1;
    }
    out->addr = pool->addr + (index << 8);
    out->prefix = 24;
    return 0;
}

int kit_ipv4_host_text(const struct kit_ipv4_net *net, uint32_t host, int with_prefix,
                       char *buf, size_t len)
{
    uint64_t size = 1ull << (32 - net->prefix);
    if (host >= size) {
        errno = ERANGE;
        return -1;
    }
    uint32_t a = net->addr + host;
    int n = with_prefix ? snprintf(buf, len, "%u.%u.%u.%u/%u", a >> 24, (a >> 16) & 255,
                                   (a >> 8) & 255, a & 255, net->prefix)
                        : snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
                                   (a >> 8) & 255, a & 255);
    if (n < 0 || (size_t)n >= len) {
        errno = ERANGE;
        return -1;
    }
    return 0;
}

static int parse_port(const char *text, size_t n, unsigned *port)
{
    if (n == 0 || n > 5)
        return -1;
    unsigned value = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)text[i]))
            return -1;
        value = value * 10 + (unsigned)(text[i] - '0');
    }
    if (value == 0 || value > 65535)
        return -1;
    *port = value;
    return 0;
}

/* "FIRST<sep>SECOND", two ports. */
static int parse_port_pair(const char *text, char sep, unsigned *first, unsigned *second)
{
    const char *mid = strchr(text, sep);
    if (!mid || parse_port(text, (size_t)(mid - text), first) < 0 ||
        parse_port(mid + 1, strlen(mid + 1), second) < 0) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int kit_parse_port_map(const char *text, unsigned *inner, unsigned *outer)
{
    return parse_port_pair(text, '-', inner, outer);
}

int kit_parse_publish(const char *text, unsigned *inner, unsigned *outer)
{
    return parse_port_pair(text, ':', outer, inner);
}
