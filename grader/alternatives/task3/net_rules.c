/* net_rules.c - a container's firewall: one nftables table, kit_<host end of its veth>.
 *
 * The kit runs the text you write through libnftables (common/nft.c, what `nft -f FILE`
 * does): the whole script is one transaction, so either every rule is in or none is, and
 * `delete table` takes them all away at stop.  Look at what you made with
 * `nft list table ip kit_ve-NAME` (in the lab: nsenter --net=/proc/PID/ns/net nft ...). */
#include "network.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/sysctl.h"

void nft_put(struct nft_text *t, const char *fmt, ...)
{
    if (t->overflow)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->used, sizeof(t->buf) - t->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(t->buf) - t->used)
        t->overflow = true;
    else
        t->used += (size_t)n;
}

/* TODO 3.c: The container's firewall, as nft rule text (nft(8): TABLES, CHAINS, SETS,
 *     STATEMENTS; the netfilter hooks a packet meets are in the "Netfilter hooks" page of
 *     the nftables wiki and in docs/networking.md).  The kit has already written
 *     "create table ip NS->table"; append the rest with nft_put().
 *     net_rules_script(ns, t):
 *       - a set named "peers" of interface names (the peer commands below fill it);
 *       - filter in the forward hook.  Other tables (other containers') see every packet
 *         too, and a drop anywhere is final while an accept only ends one chain: so drop
 *         what is not meant for this container, and accept only what is:
 *           traffic between NS->host_if and the interfaces in @peers, both ways;
 *           with NS->internet, the container's traffic out of NS->uplink, and only the
 *           answers back in (conntrack: "ct state");
 *           connections someone made to a forwarded port (conntrack remembers a DNAT:
 *           "ct status"): in to this container, and out of it to other containers' ports;
 *           nothing else from or to NS->host_if;
 *       - with NS->internet: source NAT for the container's subnet NS->subnet leaving by
 *         NS->uplink (the internet has no route back to private addresses);
 *       - for each NS->ports[i]: TCP to port .outer of any address of this host (only its
 *         own addresses, and only that port) goes to NS->address port .inner.  A packet
 *         from another machine meets the prerouting hook; one the host itself sends never
 *         does, it starts in the output hook.  For localhost:OUTER, the answer would go to
 *         the container's own loopback unless the source is rewritten too (source NAT of
 *         127.0.0.0/8 leaving by NS->host_if).  Which priorities do nat chains take?
 *     net_peer_script(table, peer_if, add, t): the command that adds (or removes) PEER_IF
 *       to (from) TABLE's set of peers.
 *     net_allow_localnet(ns): the kernel drops packets with a 127/8 source on a real
 *       interface unless route_localnet is set for it (Documentation/networking/
 *       ip-sysctl.rst).  Set it for NS->host_if only, never conf/all: that would open
 *       127/8 on every interface of the host.  Return 0, or -1 after a message.
 *     Test: conductor addnetwork web -i -e 8080-3000; then nft list table ip kit_ve-web */
/* Alternative: nft commands one per line ("add chain", "add rule") instead of a table block,
 * the container's traffic sorted into two regular chains by jumps, and route_localnet set
 * through the kit's sysctl helper. */
static void add_chain(struct nft_text *t, const char *table, const char *chain, const char *spec)
{
    if (spec)
        nft_put(t, "add chain ip %s %s { %s }\n", table, chain, spec);
    else
        nft_put(t, "add chain ip %s %s\n", table, chain);
}

int net_rules_script(const struct net_state *ns, struct nft_text *t)
{
    const char *tb = ns->table, *veth = ns->host_if;
    nft_put(t, "add set ip %s peers { type ifname; }\n", tb);
    add_chain(t, tb, "filter_fwd", "type filter hook forward priority 0; policy accept;");
    add_chain(t, tb, "from_ct", NULL);
    add_chain(t, tb, "to_ct", NULL);
    nft_put(t, "add rule ip %s filter_fwd iif \"%s\" jump from_ct\n", tb, veth);
    nft_put(t, "add rule ip %s filter_fwd oif \"%s\" jump to_ct\n", tb, veth);
    /* leaving the container */
    nft_put(t, "add rule ip %s from_ct oifname @peers accept\n", tb);
    nft_put(t, "add rule ip %s from_ct ct status dnat accept\n", tb);
    if (ns->internet)
        nft_put(t, "add rule ip %s from_ct oifname \"%s\" accept\n", tb, ns->uplink);
    nft_put(t, "add rule ip %s from_ct drop\n", tb);
    /* arriving at the container */
    nft_put(t, "add rule ip %s to_ct iifname @peers accept\n", tb);
    if (ns->nports)
        nft_put(t, "add rule ip %s to_ct ct status dnat accept\n", tb);
    if (ns->internet)
        nft_put(t, "add rule ip %s to_ct iifname \"%s\" ct state { established, related } accept\n",
                tb, ns->uplink);
    nft_put(t, "add rule ip %s to_ct drop\n", tb);

    if (ns->nports) {
        add_chain(t, tb, "nat_pre", "type nat hook prerouting priority -100;");
        add_chain(t, tb, "nat_local", "type nat hook output priority -100;");
        for (size_t i = 0; i < ns->nports; i++) {
            static const char *const chains[] = {"nat_pre", "nat_local"};
            for (int k = 0; k < 2; k++)
                nft_put(t, "add rule ip %s %s meta l4proto tcp th dport %u fib daddr type local "
                           "dnat ip to %s:%u\n",
                        tb, chains[k], ns->ports[i].outer, ns->address, ns->ports[i].inner);
        }
    }
    if (ns->internet || ns->nports)
        add_chain(t, tb, "nat_post", "type nat hook postrouting priority 100;");
    if (ns->internet)
        nft_put(t, "add rule ip %s nat_post oif \"%s\" ip saddr %s masquerade\n", tb, ns->uplink,
                ns->subnet);
    if (ns->nports)
        nft_put(t, "add rule ip %s nat_post oif \"%s\" ip saddr 127.0.0.0/8 masquerade\n", tb, veth);
    return 0;
}

int net_peer_script(const char *table, const char *peer_if, bool add, struct nft_text *t)
{
    if (add)
        nft_put(t, "add element ip %s peers { %s }\n", table, peer_if);
    else
        nft_put(t, "delete element ip %s peers { %s }\n", table, peer_if);
    return 0;
}

int net_allow_localnet(const struct net_state *ns)
{
    char name[96];
    snprintf(name, sizeof(name), "net/ipv4/conf/%s/route_localnet", ns->host_if);
    return kit_sysctl_write(name, "1");
}

/* Names reach the script between quotes or as identifiers: refuse anything that could end a
 * string or start another command (CONDUCTOR_INTERFACE comes from the user). */
static int check_words(const struct net_state *ns)
{
    if (!kit_nft_word_ok(ns->table) || !kit_nft_word_ok(ns->host_if) ||
        !kit_nft_word_ok(ns->subnet) || !kit_nft_word_ok(ns->address) ||
        (ns->internet && !kit_nft_word_ok(ns->uplink)))
        return kit_fail("%s: a name or address is not safe in an nft script", ns->name);
    return 0;
}

static int run_text(const struct nft_text *t, const char *what)
{
    if (t->overflow)
        return kit_fail("%s: the nft script is longer than %zu bytes", what, sizeof(t->buf));
    return kit_nft_run(t->buf);
}

int net_rules_apply(const struct net_state *ns)
{
    static struct nft_text t;
    memset(&t, 0, sizeof(t));
    if (check_words(ns) < 0)
        return -1;
    /* "create" fails if the table exists: a second addnetwork changes nothing. */
    nft_put(&t, "create table ip %s\n", ns->table);
    if ((ns->nports && net_allow_localnet(ns) < 0) || net_rules_script(ns, &t) < 0)
        return -1;
    return run_text(&t, ns->name);
}

int net_rules_remove(const struct net_state *ns)
{
    return kit_nft_table_delete("ip", ns->table);
}

int net_rules_peer(const struct net_state *a, const struct net_state *b, bool add)
{
    static struct nft_text t;
    memset(&t, 0, sizeof(t));
    if (check_words(a) < 0 || check_words(b) < 0)
        return -1;
    /* One transaction: both or neither. */
    if (net_peer_script(a->table, b->host_if, add, &t) < 0 ||
        net_peer_script(b->table, a->host_if, add, &t) < 0)
        return -1;
    return run_text(&t, "peer");
}

int net_rules_unpeer(const struct net_state *ns, const char *peer_if)
{
    static struct nft_text t;
    memset(&t, 0, sizeof(t));
    if (check_words(ns) < 0 || !kit_nft_word_ok(peer_if) ||
        net_peer_script(ns->table, peer_if, false, &t) < 0)
        return -1;
    return run_text(&t, ns->name);
}
