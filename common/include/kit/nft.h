/* nft.h - firewall rules through nftables (libnftables), one table per container.
 *
 * A container's whole firewall state - isolation, masquerade, port forwards - lives in one
 * table of family ip named kit_<host-interface>.  The table is made by ONE script, which
 * nftables applies as one transaction: either every rule is in, or none is.  Removing the
 * container's rules is one command, `delete table`, also atomic.
 *
 * kit_nft_run()/the table helpers link with -lnftables; the script builder (nft_rules.c)
 * needs no library, so it is unit tested as plain text.
 */
#ifndef KIT_NFT_H
#define KIT_NFT_H

#include <stdbool.h>
#include <stddef.h>

/* ---- running scripts (nft.c, libnftables) ---- */

/* Run SCRIPT (nft syntax, several lines allowed) as one transaction.  On failure prints
 * "prog: nft: <first line of nft's error>" and returns -1. */
int kit_nft_run(const char *script);

/* Run SCRIPT and copy what nft prints (e.g. for `list table`) into OUT.  Errors as above. */
int kit_nft_run_capture(const char *script, char *out, size_t len);

/* 1 if table FAMILY NAME exists, 0 if not, -1 with a message on other errors. */
int kit_nft_table_exists(const char *family, const char *name);

/* Delete table FAMILY NAME with everything in it.  A missing table counts as deleted (0). */
int kit_nft_table_delete(const char *family, const char *name);

/* ---- one container's table as text (nft_rules.c, no library) ---- */

#define KIT_NFT_MAX_PORTS 16

struct kit_nft_port {
    unsigned inner; /* port in the container */
    unsigned outer; /* port on the host */
};

struct kit_nft_container {
    const char *table;        /* table name, e.g. "kit_ve-web" (family ip) */
    const char *host_if;      /* host end of the container's veth */
    const char *subnet;       /* the container's /24, "10.88.1.0/24" */
    const char *address;      /* the container's address, "10.88.1.2" */
    const char *uplink;       /* the host's default interface (used when internet is set) */
    bool internet;            /* masquerade out of UPLINK and let the container's traffic out */
    size_t nports;
    struct kit_nft_port ports[KIT_NFT_MAX_PORTS];
};

/* The table name for a container whose host interface is HOST_IF: "kit_" + HOST_IF. */
int kit_nft_table_name(const char *host_if, char *buf, size_t len);

/* Write into BUF the script that creates C's table ("create table" first, so it fails if a
 * table of that name is already there, and nothing is changed).  What it does:
 *   forward:  the container talks to its peers (set @peers), to the uplink if INTERNET, and
 *             answers forwarded ports; anything else from or to its veth is dropped.
 *   prerouting/output (dnat): TCP to a local address on port OUTER goes to ADDRESS:INNER,
 *             whether it comes from another host (prerouting) or the host itself (output).
 *   postrouting (snat): masquerade SUBNET out of UPLINK if INTERNET; masquerade 127.0.0.0/8
 *             sources going to the veth (connections to localhost:OUTER), which also needs
 *             route_localnet on HOST_IF (docs/networking.md explains both).
 * -1 with errno EINVAL (missing field, bad port) or ENOSPC (BUF too small). */
int kit_nft_container_script(const struct kit_nft_container *c, char *buf, size_t len);

/* Scripts that add / remove interface PEER_IF to / from TABLE's @peers set. */
int kit_nft_peer_script(const char *table, const char *peer_if, bool add, char *buf,
                        size_t len);

#endif
