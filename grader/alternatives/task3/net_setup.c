/* net_setup.c - the container's link to the host: a veth pair (task 3.c).
 *
 * A veth pair is a virtual cable: what goes in one end comes out of the other.  One end stays
 * in the host's network namespace (ve-NAME), the other is created directly inside the
 * container's namespace (eth0).  With an address on each end, the host and the container
 * reach each other; with a default route via the host end, the container can send anything
 * else to the host, which forwards it (or not: that is the firewall's job, net_rules.c).
 *
 * The kernel rules (veth(4), ip-link(8), ip-address(8), ip-route(8)): a link is created
 * down and passes nothing until it is up; an address on a link that is up brings the route
 * to its subnet; a route "via" a gateway is refused unless the gateway is reachable already.
 * Inside a fresh network namespace even loopback is down.
 */
#include "network.h"

#include <errno.h>

#include "kit/err.h"

int net_wire(const struct net_state *ns, pid_t init_pid)
{
    int rc = -1;
    /* kit_nl_open(PID): a netlink socket created inside PID's netns acts in there forever. */
    struct nl_sock *host = kit_nl_open(0);
    struct nl_sock *inside = host ? kit_nl_open(init_pid) : NULL;
    if (!inside)
        goto out;
    /* TODO 3.c: Wire the container's network namespace to the host's with a veth pair: the
     *     host end ns->host_if here, its peer NET_CONTAINER_IF made directly in init_pid's
     *     netns (so its name only has to be free in there); ns->host_cidr on the host end,
     *     ns->cidr on the container's, which reaches everything else through ns->host_addr.
     *     Use the netlink helpers of kit/net.h: `host` acts in the host's netns, `inside` in
     *     the container's.  In which order must the steps go (see the rules above)?  Each
     *     helper prints its own error; return -1 (goto out) on the first failure.
     *     Test: nsenter --net=/proc/PID/ns/net ip route  shows a default route */
    /* Alternative order: the host end is up before it has an address, the container's end
     * gets its address before it is up, loopback last. */
    if (kit_veth_create(host, ns->host_if, NET_CONTAINER_IF, init_pid) != 0)
        goto out;
    if (kit_link_up(host, ns->host_if) != 0 || kit_addr_add(host, ns->host_if, ns->host_cidr) != 0)
        goto out;
    if (kit_addr_add(inside, NET_CONTAINER_IF, ns->cidr) != 0)
        goto out;
    if (kit_link_up(inside, NET_CONTAINER_IF) != 0)
        goto out;
    if (kit_route_default(inside, ns->host_addr) != 0)
        goto out;
    if (kit_link_up(inside, "lo") != 0)
        goto out;
    rc = 0;
out:
    kit_nl_close(inside);
    kit_nl_close(host);
    return rc;
}

int net_unwire(const char *host_if)
{
    struct nl_sock *host = kit_nl_open(0);
    if (!host)
        return -1;
    int rc = kit_link_delete(host, host_if);
    if (rc < 0 && errno == ENODEV)
        rc = 0; /* PID 1 is dead and its netns took the pair with it */
    kit_nl_close(host);
    return rc;
}

int net_default_interface(char *buf, size_t len)
{
    struct nl_sock *host = kit_nl_open(0);
    if (!host)
        return -1;
    int rc = kit_route_default_dev(host, buf, len);
    kit_nl_close(host);
    return rc;
}
