/* net_state.c - containers/NAME/net: what a container's network is made of. */
#include "network.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kit/err.h"

static char *net_path(char *buf, const char *name)
{
    return state_path(buf, "containers/%s/net", name);
}

int net_state_plan(struct net_state *ns, const char *name, unsigned index)
{
    struct kit_ipv4_net pool, sub;
    const char *subnet = cfg.subnet[0] ? cfg.subnet : "10.88.0.0/16";
    if (kit_ipv4_parse_cidr(subnet, &pool) < 0 || kit_ipv4_subnet24_count(&pool) == 0)
        return kit_fail("CONDUCTOR_SUBNET '%s': expected a network of /24 or larger, "
                        "e.g. 10.88.0.0/16", subnet);
    if (kit_ipv4_subnet24(&pool, index, &sub) < 0)
        return kit_fail("CONDUCTOR_SUBNET %s: no free /24 left", subnet);
    memset(ns, 0, sizeof(*ns));
    snprintf(ns->name, sizeof(ns->name), "%s", name);
    ns->index = index;
    if (kit_ifname_derive(NET_IF_PREFIX, name, ns->host_if) < 0 ||
        kit_nft_table_name(ns->host_if, ns->table, sizeof(ns->table)) < 0)
        return kit_fail_errno("%s: interface name", name);
    kit_ipv4_host_text(&sub, 0, 1, ns->subnet, sizeof(ns->subnet));
    kit_ipv4_host_text(&sub, 1, 1, ns->host_cidr, sizeof(ns->host_cidr));
    kit_ipv4_host_text(&sub, 1, 0, ns->host_addr, sizeof(ns->host_addr));
    kit_ipv4_host_text(&sub, 2, 1, ns->cidr, sizeof(ns->cidr));
    kit_ipv4_host_text(&sub, 2, 0, ns->address, sizeof(ns->address));
    return 0;
}

int net_state_load(const char *name, struct net_state *ns)
{
    char path[PATH_MAX];
    struct record rec;
    if (record_load(&rec, net_path(path, name)) < 0)
        return -1;
    const char *index = record_get(&rec, "index");
    int rc = index ? net_state_plan(ns, name, (unsigned)atoi(index)) : -1;
    if (rc == 0) {
        const char *v;
        if ((v = record_get(&rec, "uplink")))
            snprintf(ns->uplink, sizeof(ns->uplink), "%s", v);
        ns->internet = (v = record_get(&rec, "internet")) && strcmp(v, "1") == 0;
        /* Addresses are recomputed from the index; the names are checked against the file
         * so a changed CONDUCTOR_SUBNET cannot make stop miss what addnetwork made. */
        if ((v = record_get(&rec, "host_if")))
            snprintf(ns->host_if, sizeof(ns->host_if), "%s", v);
        if ((v = record_get(&rec, "table")))
            snprintf(ns->table, sizeof(ns->table), "%s", v);
        if ((v = record_get(&rec, "address")))
            snprintf(ns->address, sizeof(ns->address), "%s", v);
        for (int i = 0; i < rec.count; i++) {
            unsigned inner, outer;
            if (strcmp(rec.keys[i], "port") == 0 && ns->nports < KIT_NFT_MAX_PORTS &&
                kit_parse_port_map(rec.values[i], &inner, &outer) == 0)
                ns->ports[ns->nports++] = (struct kit_nft_port){inner, outer};
            if (strcmp(rec.keys[i], "peer") == 0 && ns->npeers < NET_MAX_PEERS)
                snprintf(ns->peers[ns->npeers++], NAME_MAX_LEN + 1, "%s", rec.values[i]);
        }
    } else {
        errno = EINVAL;
        kit_fail("%s: damaged network record (no index)", path);
    }
    record_free(&rec);
    return rc;
}

int net_state_save(const struct net_state *ns)
{
    char text[4096], path[PATH_MAX];
    int n = snprintf(text, sizeof(text),
                     "index=%u\nhost_if=%s\ntable=%s\nsubnet=%s\naddress=%s\ninternet=%d\n"
                     "uplink=%s\n",
                     ns->index, ns->host_if, ns->table, ns->subnet, ns->address, ns->internet,
                     ns->uplink);
    for (size_t i = 0; i < ns->nports && n > 0 && (size_t)n < sizeof(text); i++)
        n += snprintf(text + n, sizeof(text) - (size_t)n, "port=%u-%u\n", ns->ports[i].inner,
                      ns->ports[i].outer);
    for (int i = 0; i < ns->npeers && n > 0 && (size_t)n < sizeof(text); i++)
        n += snprintf(text + n, sizeof(text) - (size_t)n, "peer=%s\n", ns->peers[i]);
    if (n < 0 || (size_t)n >= sizeof(text))
        return kit_fail("%s: network record too long", ns->name);
    return write_file_atomic(net_path(path, ns->name), text);
}

int net_state_remove(const char *name)
{
    char path[PATH_MAX];
    if (unlink(net_path(path, name)) < 0 && errno != ENOENT)
        return kit_fail_errno("remove %s", path);
    return 0;
}

int net_state_each(int (*fn)(const struct net_state *ns, void *arg), void *arg)
{
    char path[PATH_MAX];
    DIR *dir = opendir(state_path(path, "containers"));
    if (!dir)
        return errno == ENOENT ? 0 : kit_fail_errno("open %s", path);
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir))) {
        struct net_state ns;
        if (e->d_name[0] == '.' || !valid_name_quiet(e->d_name))
            continue;
        if (net_state_load(e->d_name, &ns) == 0)
            rc = fn(&ns, arg);
    }
    closedir(dir);
    return rc;
}

struct used_indexes {
    unsigned char used[65536];
};

static int mark_used(const struct net_state *ns, void *arg)
{
    struct used_indexes *u = arg;
    if (ns->index < sizeof(u->used))
        u->used[ns->index] = 1;
    return 0;
}

int net_state_free_index(unsigned *index)
{
    struct kit_ipv4_net pool;
    const char *subnet = cfg.subnet[0] ? cfg.subnet : "10.88.0.0/16";
    if (kit_ipv4_parse_cidr(subnet, &pool) < 0 || kit_ipv4_subnet24_count(&pool) == 0)
        return kit_fail("CONDUCTOR_SUBNET '%s': expected a network of /24 or larger, "
                        "e.g. 10.88.0.0/16", subnet);
    static struct used_indexes u;
    memset(&u, 0, sizeof(u));
    if (net_state_each(mark_used, &u) < 0)
        return -1;
    unsigned count = kit_ipv4_subnet24_count(&pool);
    if (count > sizeof(u.used))
        count = sizeof(u.used);
    /* A /16 pool's first /24 (10.88.0.0/24) is left out: .0.1 and .0.2 look like defaults. */
    for (unsigned i = count > 1 ? 1 : 0; i < count; i++)
        if (!u.used[i]) {
            *index = i;
            return 0;
        }
    return kit_fail("CONDUCTOR_SUBNET %s: every /24 is taken", subnet);
}
