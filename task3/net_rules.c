/* net_rules.c - a container's firewall: one nftables table (what is in it: kit/nft.h,
 * common/nft_rules.c; the iptables equivalents: docs/networking.md). */
#include "network.h"

#include <stdio.h>

#include "kit/err.h"

int net_rules_apply(const struct net_state *ns)
{
    struct kit_nft_container c = {
        .table = ns->table,
        .host_if = ns->host_if,
        .subnet = ns->subnet,
        .address = ns->address,
        .uplink = ns->uplink,
        .internet = ns->internet,
        .nports = ns->nports,
    };
    for (size_t i = 0; i < ns->nports; i++)
        c.ports[i] = ns->ports[i];
    char script[8192];
    if (kit_nft_container_script(&c, script, sizeof(script)) < 0)
        return kit_fail_errno("%s: firewall rules", ns->name);
    return kit_nft_run(script);
}

int net_rules_remove(const struct net_state *ns)
{
    return kit_nft_table_delete("ip", ns->table);
}

int net_rules_peer(const struct net_state *a, const struct net_state *b, bool add)
{
    char one[256], two[256], both[512];
    if (kit_nft_peer_script(a->table, b->host_if, add, one, sizeof(one)) < 0 ||
        kit_nft_peer_script(b->table, a->host_if, add, two, sizeof(two)) < 0)
        return kit_fail_errno("peer %s %s: rules", a->name, b->name);
    snprintf(both, sizeof(both), "%s%s", one, two); /* one transaction: both or neither */
    return kit_nft_run(both);
}
