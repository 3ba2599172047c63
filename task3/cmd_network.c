/* cmd_network.c - `conductor addnetwork` and `conductor peer`, and the network part of stop.
 *
 *   addnetwork NAME [-i|--internet] [-e|--expose INNER-OUTER]...
 *       give running container NAME a veth link to the host (one /24 of CONDUCTOR_SUBNET:
 *       .1 on the host, .2 inside), its own firewall table, and optionally NAT to the
 *       internet (-i) and TCP port forwards from the host (-e 8080-3000: host port 3000 goes
 *       to the container's 8080, from other hosts and from the host itself).
 *   peer NAME1 NAME2
 *       let two networked containers reach each other (by default they cannot).
 *
 * Every change happens with the state lock held, and a failure undoes what was made, so a
 * failed addnetwork leaves no link, no table and no record. */
#include "network.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/sysctl.h"

struct port_owner {
    unsigned port;
    char owner[NAME_MAX_LEN + 1];
};

static int find_port_owner(const struct net_state *ns, void *arg)
{
    struct port_owner *p = arg;
    for (size_t i = 0; i < ns->nports; i++)
        if (ns->ports[i].outer == p->port) {
            snprintf(p->owner, sizeof(p->owner), "%s", ns->name);
            return 1;
        }
    return 0;
}

/* Is something on this host listening on TCP PORT?  With SO_REUSEADDR, bind(2) only fails
 * for a port that a socket is listening on (or bound to), not for old TIME_WAIT connections. */
static bool host_port_in_use(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    bool busy = bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno == EADDRINUSE;
    close(fd);
    return busy;
}

static int check_ports(const struct net_state *ns)
{
    for (size_t i = 0; i < ns->nports; i++) {
        unsigned outer = ns->ports[i].outer;
        for (size_t j = 0; j < i; j++)
            if (ns->ports[j].outer == outer)
                return kit_fail("addnetwork %s: host port %u is given twice", ns->name, outer);
        struct port_owner p = {.port = outer};
        if (net_state_each(find_port_owner, &p) == 1)
            return kit_fail("addnetwork %s: host port %u is taken (container %s forwards it)",
                            ns->name, outer, p.owner);
        if (host_port_in_use(outer))
            return kit_fail("addnetwork %s: host port %u is taken (a process on the host "
                            "listens on it)", ns->name, outer);
    }
    return 0;
}

/* Undo whatever part of addnetwork got done: table, link, record. */
static void undo_network(const struct net_state *ns)
{
    net_rules_remove(ns);
    net_unwire(ns->host_if);
    net_state_remove(ns->name);
}

static int enable_forwarding(void)
{
    /* Per network namespace: this is the ip_forward of the namespace conductor runs in. */
    return kit_sysctl_write("net.ipv4.ip_forward", "1");
}

static int add_network(const char *name, bool internet, const struct kit_nft_port *ports,
                       size_t nports)
{
    struct container c;
    if (container_load(name, &c) < 0)
        return kit_fail("addnetwork: no such container: %s", name);
    if (!c.running)
        return kit_fail("addnetwork: container %s is not running", name);
    struct net_state ns;
    if (net_state_load(name, &ns) == 0)
        return kit_fail("addnetwork: container %s already has a network (%s, %s)", name,
                        ns.host_if, ns.address);
    unsigned index;
    if (net_state_free_index(&index) < 0 || net_state_plan(&ns, name, index) < 0)
        return -1;
    ns.internet = internet;
    ns.nports = nports;
    memcpy(ns.ports, ports, nports * sizeof(*ports));
    if (check_ports(&ns) < 0)
        return -1;
    if (internet) {
        if (cfg.interface[0])
            snprintf(ns.uplink, sizeof(ns.uplink), "%s", cfg.interface);
        else if (net_default_interface(ns.uplink, sizeof(ns.uplink)) < 0)
            return -1;
    }
    int exists = 0;
    struct nl_sock *host = kit_nl_open(0);
    if (!host || (exists = kit_link_exists(host, ns.host_if)) != 0) {
        kit_nl_close(host);
        return exists > 0 ? kit_fail("addnetwork %s: interface %s exists already", name,
                                     ns.host_if)
                          : -1;
    }
    kit_nl_close(host);
    if (kit_nft_table_exists("ip", ns.table) != 0)
        return kit_fail("addnetwork %s: nft table ip %s exists already", name, ns.table);

    /* From here on, a failure undoes everything.  The record is written first so that even
     * a conductor killed half way leaves something stop can clean up from. */
    if (net_state_save(&ns) < 0 || net_wire(&ns, c.init_pid) < 0 || net_rules_apply(&ns) < 0 ||
        ((internet || nports) && enable_forwarding() < 0)) {
        undo_network(&ns);
        return kit_fail("addnetwork %s: nothing was changed", name);
    }
    printf("%s: %s via %s%s", name, ns.address, ns.host_if, internet ? ", internet" : "");
    for (size_t i = 0; i < nports; i++)
        printf(", host port %u -> %u", ports[i].outer, ports[i].inner);
    printf("\n");
    return 0;
}

/* The port forward options: -e/--expose INNER-OUTER (the assignment's form) and -p/--publish
 * OUTER:INNER (Docker's).  Returns 'e', 'p', or 0 for another argument; *INLINE_MAP is the
 * text after "--expose=" / "--publish=", NULL when the mapping is the next argument. */
static char port_option(const char *arg, const char **inline_map)
{
    *inline_map = NULL;
    if (strcmp(arg, "-e") == 0 || strcmp(arg, "--expose") == 0)
        return 'e';
    if (strcmp(arg, "-p") == 0 || strcmp(arg, "--publish") == 0)
        return 'p';
    if (strncmp(arg, "--expose=", 9) == 0) {
        *inline_map = arg + 9;
        return 'e';
    }
    if (strncmp(arg, "--publish=", 10) == 0) {
        *inline_map = arg + 10;
        return 'p';
    }
    return 0;
}

/* Parse MAP, given to OPTION of KIND ('e' or 'p'), into PORTS[*NPORTS]; -1 after saying what
 * is wrong. */
static int add_port(const char *option, char kind, const char *map, struct kit_nft_port *ports,
                    size_t *nports)
{
    const char *form = kind == 'p' ? "OUTER:INNER, e.g. -p 3000:8080" : "INNER-OUTER, e.g. -e 8080-3000";
    unsigned inner, outer;
    if (!map)
        return kit_fail("addnetwork: %s needs %s", option, form);
    if ((kind == 'p' ? kit_parse_publish(map, &inner, &outer) : kit_parse_port_map(map, &inner, &outer)) < 0)
        return kit_fail("addnetwork: bad port mapping '%s': expected %s (ports 1-65535)", map, form);
    if (*nports == KIT_NFT_MAX_PORTS)
        return kit_fail("addnetwork: at most %d port mappings", KIT_NFT_MAX_PORTS);
    ports[(*nports)++] = (struct kit_nft_port){inner, outer};
    return 0;
}

int cmd_addnetwork(int argc, char **argv)
{
    bool internet = false;
    struct kit_nft_port ports[KIT_NFT_MAX_PORTS];
    size_t nports = 0;
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *map;
        char kind;
        if (strcmp(arg, "-i") == 0 || strcmp(arg, "--internet") == 0) {
            internet = true;
        } else if ((kind = port_option(arg, &map)) != 0) {
            if (!map && i + 1 < argc)
                map = argv[++i];
            if (add_port(arg, kind, map, ports, &nports) < 0)
                return 2;
        } else if (arg[0] == '-' || name) {
            return usage_error(argv[0]);
        } else {
            name = arg;
        }
    }
    if (!name)
        return usage_error(argv[0]);
    if (!valid_name("container", name))
        return 2;
    int lock = state_lock();
    if (lock < 0)
        return 1;
    int rc = add_network(name, internet, ports, nports);
    close(lock);
    return rc < 0 ? 1 : 0;
}

static bool has_peer(const struct net_state *ns, const char *name)
{
    for (int i = 0; i < ns->npeers; i++)
        if (strcmp(ns->peers[i], name) == 0)
            return true;
    return false;
}

static int load_networked(const char *name, struct net_state *ns)
{
    struct container c;
    if (container_load(name, &c) < 0)
        return kit_fail("peer: no such container: %s", name);
    if (!c.running)
        return kit_fail("peer: container %s is not running", name);
    if (net_state_load(name, ns) < 0)
        return errno == ENOENT ? kit_fail("peer: container %s has no network "
                                          "(conductor addnetwork %s first)", name, name)
                               : -1;
    return 0;
}

static int peer(const char *one, const char *two)
{
    struct net_state a, b;
    if (strcmp(one, two) == 0)
        return kit_fail("peer: a container cannot be peered with itself");
    if (load_networked(one, &a) < 0 || load_networked(two, &b) < 0)
        return -1;
    if (has_peer(&a, two))
        return 0; /* already peers: nothing to do */
    if (a.npeers == NET_MAX_PEERS || b.npeers == NET_MAX_PEERS)
        return kit_fail("peer: at most %d peers per container", NET_MAX_PEERS);
    /* Between two containers the host routes: forwarding must be on. */
    if (enable_forwarding() < 0 || net_rules_peer(&a, &b, true) < 0)
        return -1;
    snprintf(a.peers[a.npeers++], NAME_MAX_LEN + 1, "%s", two);
    snprintf(b.peers[b.npeers++], NAME_MAX_LEN + 1, "%s", one);
    if (net_state_save(&a) < 0 || net_state_save(&b) < 0) {
        net_rules_peer(&a, &b, false);
        return -1;
    }
    printf("%s (%s) <-> %s (%s)\n", one, a.address, two, b.address);
    return 0;
}

int cmd_peer(int argc, char **argv)
{
    if (argc != 3)
        return usage_error(argv[0]);
    if (!valid_name("container", argv[1]) || !valid_name("container", argv[2]))
        return 2;
    int lock = state_lock();
    if (lock < 0)
        return 1;
    int rc = peer(argv[1], argv[2]);
    close(lock);
    return rc < 0 ? 1 : 0;
}

/* Called by stop (container_remove) with the lock held, after PID 1 is dead. */
int conductor_network_teardown(const char *name)
{
    struct net_state ns;
    if (net_state_load(name, &ns) < 0)
        return errno == ENOENT ? 0 : -1;
    int rc = 0;
    /* Take our interface out of each peer's @peers set, and the peer out of its record. */
    for (int i = 0; i < ns.npeers; i++) {
        struct net_state other;
        if (net_state_load(ns.peers[i], &other) < 0)
            continue;
        if (kit_nft_table_exists("ip", other.table) == 1 && net_rules_unpeer(&other, ns.host_if) < 0)
            rc = -1;
        int kept = 0;
        for (int j = 0; j < other.npeers; j++)
            if (strcmp(other.peers[j], name) != 0)
                memmove(other.peers[kept++], other.peers[j], NAME_MAX_LEN + 1);
        other.npeers = kept;
        if (net_state_save(&other) < 0)
            rc = -1;
    }
    if (net_rules_remove(&ns) < 0 || net_unwire(ns.host_if) < 0 || net_state_remove(name) < 0)
        rc = -1;
    return rc;
}
