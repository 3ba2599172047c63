/* net_setup.c - the container's link to the host: a veth pair (task 3.c).
 *
 * A veth pair is a virtual cable: what goes in one end comes out of the other.  One end stays
 * in the host's network namespace (ve-NAME), the other is created directly inside the
 * container's namespace (eth0).  With an address on each end, the host and the container
 * reach each other; with a default route via the host end, the container can send anything
 * else to the host, which forwards it (or not: that is the firewall's job, net_rules.c).
 *
 * Each step and its ip(8) equivalent:
 *   ip link add ve-NAME type veth peer name eth0 netns PID
 *   ip addr add 10.88.N.1/24 dev ve-NAME;  ip link set ve-NAME up
 *   nsenter --net=/proc/PID/ns/net:  ip link set lo up; ip addr add 10.88.N.2/24 dev eth0;
 *                                    ip link set eth0 up; ip route add default via 10.88.N.1
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
    /* >>> 3.c Wire the container's network namespace to the host's with a veth pair:
     *       - create the pair: ns->host_if here, its peer NET_CONTAINER_IF directly in the netns
     *         of init_pid (kit_veth_create);
     *       - host end: address ns->host_cidr, then up (kit_addr_add, kit_link_up);
     *       - inside (through the socket `inside`): loopback up, ns->cidr on the container
     *         end, up, and the default route via ns->host_addr (kit_route_default).
     *     Each helper prints its own error; return -1 on the first failure. */
    if (kit_veth_create(host, ns->host_if, NET_CONTAINER_IF, init_pid) < 0 ||
        kit_addr_add(host, ns->host_if, ns->host_cidr) < 0 || kit_link_up(host, ns->host_if) < 0)
        goto out;
    /* Order inside matters: the default route needs the gateway to be reachable already,
     * i.e. the /24 route that comes with the address on an interface that is up. */
    if (kit_link_up(inside, "lo") < 0 || kit_addr_add(inside, NET_CONTAINER_IF, ns->cidr) < 0 ||
        kit_link_up(inside, NET_CONTAINER_IF) < 0 || kit_route_default(inside, ns->host_addr) < 0)
        goto out;
    rc = 0;
    /* <<< 3.c stub: rc = kit_fail("%s: the veth pair is not wired yet (task 3.c)", ns->name); */
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
