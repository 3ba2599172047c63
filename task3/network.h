/* network.h - conductor's networking (task 3.c): what addnetwork, peer and stop share.
 *
 * A container with a network has a record containers/NAME/net (key=value lines, like the rest
 * of the state) saying which /24 it got, the name of its veth's host end, its nft table,
 * whether it may reach the internet, its forwarded ports and its peers.  Everything the
 * network changed on the host can be undone from that record alone:
 *     the veth pair (deleting the host end deletes both; PID 1's death deletes both too),
 *     one nft table (kit_<host end>), and its name in each peer's @peers set.
 * The only host-wide change that stays is net.ipv4.ip_forward=1 (see docs/networking.md). */
#ifndef CONDUCTOR_NETWORK_H
#define CONDUCTOR_NETWORK_H

#include <stdbool.h>
#include <sys/types.h>

#include "conductor.h"
#include "kit/net.h"
#include "kit/nft.h"

#define NET_MAX_PEERS 32
#define NET_IF_PREFIX "ve-"   /* host ends are ve-NAME (shortened to fit IFNAMSIZ) */
#define NET_CONTAINER_IF "eth0" /* the container's end, named inside its own netns */

struct net_state {
    char name[NAME_MAX_LEN + 1];
    unsigned index;                /* which /24 of cfg.subnet */
    char host_if[KIT_IFNAME_LEN];  /* host end of the veth */
    char table[64];                /* nft table, family ip */
    char subnet[32];               /* "10.88.1.0/24" */
    char host_cidr[32];            /* "10.88.1.1/24": host end */
    char host_addr[32];            /* "10.88.1.1": the container's gateway */
    char cidr[32];                 /* "10.88.1.2/24": container end */
    char address[32];              /* "10.88.1.2" */
    char uplink[64];               /* host's default interface (with internet) */
    bool internet;
    size_t nports;
    struct kit_nft_port ports[KIT_NFT_MAX_PORTS];
    int npeers;
    char peers[NET_MAX_PEERS][NAME_MAX_LEN + 1];
};

/* ---- the record (net_state.c); call with the state lock held ---- */
/* 0; -1 with errno ENOENT (no message) if NAME has no network. */
int net_state_load(const char *name, struct net_state *ns);
int net_state_save(const struct net_state *ns);
int net_state_remove(const char *name);
/* Call FN for every container that has a network record; stops at the first non-zero. */
int net_state_each(int (*fn)(const struct net_state *ns, void *arg), void *arg);
/* Fill NS's addresses and names for container NAME with /24 number INDEX of cfg.subnet. */
int net_state_plan(struct net_state *ns, const char *name, unsigned index);
/* The lowest /24 index no container uses (index 0, the pool's network, is skipped). */
int net_state_free_index(unsigned *index);

/* ---- links (net_setup.c) ---- */
/* Wire the container whose PID 1 is INIT_PID: veth pair, addresses, links up, loopback up,
 * default route.  -1 with a message; the caller removes a half-made link. */
int net_wire(const struct net_state *ns, pid_t init_pid);
/* Delete the veth pair by its host end; 0 if it is already gone. */
int net_unwire(const char *host_if);
/* Name of the interface of the host's default route (for -i without CONDUCTOR_INTERFACE). */
int net_default_interface(char *buf, size_t len);

/* ---- firewall (net_rules.c) ---- */
/* The text of an nft script, appended to with nft_put (printf-like); too long a text sets
 * OVERFLOW and the script is refused as a whole. */
struct nft_text {
    char buf[16384];
    size_t used;
    bool overflow;
};
void nft_put(struct nft_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Task 3.c: the container's table after "create table ip NS->table"; the command that adds
 * (ADD) or removes PEER_IF to/from TABLE's peers; route_localnet on the veth's host end.
 * Each 0, or -1 after a message. */
int net_rules_script(const struct net_state *ns, struct nft_text *t);
int net_peer_script(const char *table, const char *peer_if, bool add, struct nft_text *t);
int net_allow_localnet(const struct net_state *ns);

int net_rules_apply(const struct net_state *ns);     /* the container's table, atomically */
int net_rules_remove(const struct net_state *ns);    /* delete the table (missing: fine) */
/* Add (or remove) each of A and B to the other's @peers set, in one transaction. */
int net_rules_peer(const struct net_state *a, const struct net_state *b, bool add);
/* Remove PEER_IF from NS's @peers set (a peer of NS is being stopped). */
int net_rules_unpeer(const struct net_state *ns, const char *peer_if);

#endif
