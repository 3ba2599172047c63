/* net.c - veth pairs, addresses and routes through netlink (libnl-route-3).
 * ip(8) equivalent of each function in the comments; the "why" is in kit/net.h. */
#include "kit/net.h"

#include "kit/err.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

/* libnl returns its own negative codes (NLE_*); give callers the errno they would expect. */
static int nl_to_errno(int nlerr)
{
    switch (-nlerr) {
    case NLE_EXIST: return EEXIST;
    case NLE_OBJ_NOTFOUND:
    case NLE_NODEV: return ENODEV;
    case NLE_PERM: return EPERM;
    case NLE_NOMEM: return ENOMEM;
    case NLE_INVAL: return EINVAL;
    case NLE_BUSY: return EBUSY;
    case NLE_NOADDR: return EADDRNOTAVAIL;
    default: return EIO;
    }
}

static int nl_fail(int nlerr, const char *what, const char *name)
{
    errno = nl_to_errno(nlerr);
    return kit_fail("%s %s: %s", what, name, nl_geterror(nlerr));
}

/* setns(2) into the netns at PATH.  CLONE_NEWNET may be changed by any thread of a process
 * (unlike CLONE_NEWNS or CLONE_NEWUSER), and affects only the calling thread. */
static int enter_netns(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = setns(fd, CLONE_NEWNET);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

struct nl_sock *kit_nl_open(pid_t pid)
{
    char target[64];
    int home = -1;
    if (pid > 0) {
        snprintf(target, sizeof(target), "/proc/%d/ns/net", (int)pid);
        home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (home < 0) {
            kit_fail_errno("open /proc/thread-self/ns/net");
            return NULL;
        }
        if (enter_netns(target) < 0) {
            kit_fail_errno("enter network namespace of pid %d", (int)pid);
            close(home);
            return NULL;
        }
    }
    struct nl_sock *sock = nl_socket_alloc();
    int err = sock ? nl_connect(sock, NETLINK_ROUTE) : -NLE_NOMEM;
    if (home >= 0) {
        /* The socket stays in PID's netns; the thread goes home. */
        if (setns(home, CLONE_NEWNET) < 0) {
            kit_fail_errno("return to own network namespace");
            close(home);
            nl_socket_free(sock);
            return NULL;
        }
        close(home);
    }
    if (err < 0) {
        nl_fail(err, "netlink", "connect");
        nl_socket_free(sock);
        return NULL;
    }
    return sock;
}

void kit_nl_close(struct nl_sock *sock)
{
    if (sock)
        nl_socket_free(sock); /* closes the socket too */
}

/* ip link add HOST_IF type veth peer name PEER_IF netns PEER_PID */
int kit_veth_create(struct nl_sock *sock, const char *host_if, const char *peer_if,
                    pid_t peer_pid)
{
    int err = rtnl_link_veth_add(sock, host_if, peer_if, peer_pid);
    return err < 0 ? nl_fail(err, "create veth", host_if) : 0;
}

static int get_link(struct nl_sock *sock, const char *ifname, struct rtnl_link **link)
{
    int err = rtnl_link_get_kernel(sock, 0, ifname, link);
    return err < 0 ? nl_fail(err, "find link", ifname) : 0;
}

/* ip link set IFNAME up */
int kit_link_up(struct nl_sock *sock, const char *ifname)
{
    struct rtnl_link *link, *change;
    if (get_link(sock, ifname, &link) < 0)
        return -1;
    change = rtnl_link_alloc();
    if (!change) {
        rtnl_link_put(link);
        errno = ENOMEM;
        return kit_fail_errno("link up %s", ifname);
    }
    rtnl_link_set_flags(change, IFF_UP);
    int err = rtnl_link_change(sock, link, change, 0);
    rtnl_link_put(change);
    rtnl_link_put(link);
    return err < 0 ? nl_fail(err, "set up", ifname) : 0;
}

/* ip addr add CIDR dev IFNAME */
int kit_addr_add(struct nl_sock *sock, const char *ifname, const char *cidr)
{
    struct rtnl_link *link;
    if (get_link(sock, ifname, &link) < 0)
        return -1;
    int ifindex = rtnl_link_get_ifindex(link);
    rtnl_link_put(link);

    struct nl_addr *local = NULL;
    int err = nl_addr_parse(cidr, AF_INET, &local);
    if (err < 0)
        return nl_fail(err, "parse address", cidr);
    struct rtnl_addr *addr = rtnl_addr_alloc();
    if (!addr) {
        nl_addr_put(local);
        errno = ENOMEM;
        return kit_fail_errno("address %s", cidr);
    }
    rtnl_addr_set_ifindex(addr, ifindex);
    err = rtnl_addr_set_local(addr, local); /* also takes the prefix length from CIDR */
    if (err >= 0)
        err = rtnl_addr_add(sock, addr, 0);
    rtnl_addr_put(addr);
    nl_addr_put(local);
    if (err < 0) {
        errno = nl_to_errno(err);
        return kit_fail("add address %s to %s: %s", cidr, ifname, nl_geterror(err));
    }
    return 0;
}

/* ip route add default via GATEWAY */
int kit_route_default(struct nl_sock *sock, const char *gateway)
{
    struct nl_addr *dst = NULL, *gw = NULL;
    struct rtnl_route *route = NULL;
    struct rtnl_nexthop *nh = NULL;
    int err = nl_addr_parse("0.0.0.0/0", AF_INET, &dst);
    if (err >= 0)
        err = nl_addr_parse(gateway, AF_INET, &gw);
    if (err >= 0) {
        route = rtnl_route_alloc();
        nh = rtnl_route_nh_alloc();
        if (!route || !nh)
            err = -NLE_NOMEM;
    }
    if (err >= 0) {
        rtnl_route_set_family(route, AF_INET);
        rtnl_route_set_table(route, RT_TABLE_MAIN);
        rtnl_route_set_protocol(route, RTPROT_STATIC);
        rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
        err = rtnl_route_set_dst(route, dst);
    }
    if (err >= 0) {
        rtnl_route_nh_set_gateway(nh, gw);
        rtnl_route_add_nexthop(route, nh); /* the route owns NH from here */
        nh = NULL;
        err = rtnl_route_add(sock, route, NLM_F_EXCL);
    }
    if (nh)
        rtnl_route_nh_free(nh);
    if (route)
        rtnl_route_put(route);
    if (gw)
        nl_addr_put(gw);
    if (dst)
        nl_addr_put(dst);
    return err < 0 ? nl_fail(err, "add default route via", gateway) : 0;
}

/* ip link del IFNAME */
int kit_link_delete(struct nl_sock *sock, const char *ifname)
{
    struct rtnl_link *link = rtnl_link_alloc();
    if (!link) {
        errno = ENOMEM;
        return kit_fail_errno("delete link %s", ifname);
    }
    rtnl_link_set_name(link, ifname);
    int err = rtnl_link_delete(sock, link);
    rtnl_link_put(link);
    if (err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND) {
        errno = ENODEV;
        return -1;
    }
    return err < 0 ? nl_fail(err, "delete link", ifname) : 0;
}

int kit_link_exists(struct nl_sock *sock, const char *ifname)
{
    struct rtnl_link *link;
    int err = rtnl_link_get_kernel(sock, 0, ifname, &link);
    if (err == -NLE_NODEV || err == -NLE_OBJ_NOTFOUND)
        return 0;
    if (err < 0)
        return nl_fail(err, "find link", ifname);
    rtnl_link_put(link);
    return 1;
}

/* ip -4 -o addr show dev IFNAME (first address) */
int kit_link_ipv4(struct nl_sock *sock, const char *ifname, char *buf, size_t len)
{
    struct rtnl_link *link;
    if (get_link(sock, ifname, &link) < 0)
        return -1;
    int ifindex = rtnl_link_get_ifindex(link);
    rtnl_link_put(link);

    struct nl_cache *cache;
    int err = rtnl_addr_alloc_cache(sock, &cache);
    if (err < 0)
        return nl_fail(err, "list addresses of", ifname);
    int found = 0;
    for (struct nl_object *obj = nl_cache_get_first(cache); obj && !found;
         obj = nl_cache_get_next(obj)) {
        struct rtnl_addr *addr = (struct rtnl_addr *)obj;
        if (rtnl_addr_get_ifindex(addr) != ifindex || rtnl_addr_get_family(addr) != AF_INET)
            continue;
        struct nl_addr *local = rtnl_addr_get_local(addr);
        if (local && inet_ntop(AF_INET, nl_addr_get_binary_addr(local), buf, (socklen_t)len))
            found = 1;
    }
    nl_cache_free(cache);
    if (!found) {
        errno = EADDRNOTAVAIL;
        return kit_fail("interface %s has no IPv4 address", ifname);
    }
    return 0;
}

/* ip -4 route show default: the main table's 0.0.0.0/0 route, its first next hop's device */
int kit_route_default_dev(struct nl_sock *sock, char *buf, size_t len)
{
    struct nl_cache *routes;
    int err = rtnl_route_alloc_cache(sock, AF_INET, 0, &routes);
    if (err < 0)
        return nl_fail(err, "list routes", "(IPv4)");
    int ifindex = 0;
    for (struct nl_object *obj = nl_cache_get_first(routes); obj && !ifindex;
         obj = nl_cache_get_next(obj)) {
        struct rtnl_route *route = (struct rtnl_route *)obj;
        struct nl_addr *dst = rtnl_route_get_dst(route);
        if (rtnl_route_get_table(route) != RT_TABLE_MAIN || (dst && nl_addr_get_prefixlen(dst)))
            continue;
        if (rtnl_route_get_nnexthops(route) > 0)
            ifindex = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(route, 0));
    }
    nl_cache_free(routes);
    struct rtnl_link *link;
    if (!ifindex || rtnl_link_get_kernel(sock, ifindex, NULL, &link) < 0) {
        errno = ENETUNREACH;
        return kit_fail("no IPv4 default route: name the uplink interface in the configuration");
    }
    snprintf(buf, len, "%s", rtnl_link_get_name(link));
    rtnl_link_put(link);
    return 0;
}
