/* net.h - a container's network plumbing: veth pairs, addresses, routes (netlink via
 * libnl-route-3), and the naming and numbering rules the kit uses for them.
 *
 * The picture for one container (ip(8) equivalents in docs/networking.md):
 *
 *     host netns                          container netns
 *     ve-NAME  10.88.N.1/24  <== veth ==>  eth0  10.88.N.2/24, default via 10.88.N.1
 *
 * A network namespace is entered through a netlink socket: a socket belongs to the netns it
 * was created in, forever, so kit_nl_open(PID) briefly setns()es into PID's netns, creates
 * the socket there, and comes back.  Everything done through that socket happens in there.
 *
 * The libnl functions link with -lnl-route-3 -lnl-3 (pkg-config libnl-route-3.0); the
 * naming and address helpers (net_addr.c) need no library.
 */
#ifndef KIT_NET_H
#define KIT_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* IFNAMSIZ is 16 bytes including the NUL: an interface name has at most 15 characters. */
#define KIT_IFNAME_LEN 16

/* ---- names and numbers (net_addr.c, no library needed) ---- */

/* PREFIX followed by NAME if that fits in 15 characters and NAME has only [A-Za-z0-9_-];
 * otherwise PREFIX, the first characters of NAME (others turned into '_'), '-' and five hex
 * digits of a hash of the whole NAME, so two long names sharing a start still differ.
 * 0, or -1 with errno EINVAL (empty NAME, PREFIX longer than 8). */
int kit_ifname_derive(const char *prefix, const char *name, char out[KIT_IFNAME_LEN]);

/* An IPv4 network, host byte order. */
struct kit_ipv4_net {
    uint32_t addr;
    unsigned prefix;
};

/* "A.B.C.D/P" (P 0..32; host bits must be zero).  0 or -1 with errno EINVAL. */
int kit_ipv4_parse_cidr(const char *text, struct kit_ipv4_net *net);

/* The INDEX-th /24 inside POOL (POOL's prefix must be <= 24).  -1 with errno EINVAL if the
 * pool is smaller than a /24, ERANGE if INDEX is past its end. */
int kit_ipv4_subnet24(const struct kit_ipv4_net *pool, unsigned index,
                      struct kit_ipv4_net *out);

/* How many /24s POOL holds (0 if it is smaller than a /24). */
unsigned kit_ipv4_subnet24_count(const struct kit_ipv4_net *pool);

/* Dotted text of NET's address + HOST (HOST 0 = the network itself), with "/prefix" if
 * WITH_PREFIX.  -1 with errno ERANGE if HOST is outside NET or the buffer is too small. */
int kit_ipv4_host_text(const struct kit_ipv4_net *net, uint32_t host, int with_prefix,
                       char *buf, size_t len);

/* "INNER-OUTER" port mapping, e.g. "8080-3000": both 1..65535, digits only.
 * 0, or -1 with errno EINVAL. */
int kit_parse_port_map(const char *text, unsigned *inner, unsigned *outer);
/* Docker's -p "OUTER:INNER" (host port first), the same ports the other way round. */
int kit_parse_publish(const char *text, unsigned *inner, unsigned *outer);

/* ---- netlink (net.c, libnl-route-3) ---- */

struct nl_sock;

/* A NETLINK_ROUTE socket in the network namespace of process PID (0: the caller's own).
 * NULL with a message printed on failure. */
struct nl_sock *kit_nl_open(pid_t pid);
void kit_nl_close(struct nl_sock *sock);

/* Create a veth pair: HOST_IF in SOCK's netns, its peer PEER_IF directly in the netns of
 * process PEER_PID (IFLA_NET_NS_PID), so the peer's name only has to be free in there.
 * Both ends start down.  -1 with a message (errno EEXIST if HOST_IF is taken). */
int kit_veth_create(struct nl_sock *sock, const char *host_if, const char *peer_if,
                    pid_t peer_pid);

/* Set IFNAME up (IFF_UP). */
int kit_link_up(struct nl_sock *sock, const char *ifname);

/* Add address CIDR ("10.88.1.1/24") to IFNAME; the kernel adds the /24's route with it. */
int kit_addr_add(struct nl_sock *sock, const char *ifname, const char *cidr);

/* Default route (0.0.0.0/0) via GATEWAY in the main table. */
int kit_route_default(struct nl_sock *sock, const char *gateway);

/* Delete link IFNAME (for a veth, the kernel deletes its peer too).  -1 with errno ENODEV
 * and NO message if there is no such link, so callers can treat "already gone" as done. */
int kit_link_delete(struct nl_sock *sock, const char *ifname);

/* 1 if link IFNAME exists in SOCK's netns, 0 if not, -1 with a message on error. */
int kit_link_exists(struct nl_sock *sock, const char *ifname);

/* Name of the interface the IPv4 default route of SOCK's netns goes out of (ip route show
 * default).  -1 with a message if there is no default route. */
int kit_route_default_dev(struct nl_sock *sock, char *buf, size_t len);

/* First IPv4 address of IFNAME as dotted text (no prefix).  -1 with a message if none. */
int kit_link_ipv4(struct nl_sock *sock, const char *ifname, char *buf, size_t len);

#endif
