/* nft.h - firewall rules through nftables (libnftables), one table per container.
 *
 * A container's whole firewall state - isolation, masquerade, port forwards - lives in one
 * table of family ip named kit_<host-interface>.  The table is made by ONE script, which
 * nftables applies as one transaction: either every rule is in, or none is.  Removing the
 * container's rules is one command, `delete table`, also atomic.
 *
 * kit_nft_run()/the table helpers link with -lnftables; the name checks (nft_rules.c) need
 * no library.  The rules of a container's table are task 3.c (task3/net_rules.c).
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

/* ---- names in scripts (nft_rules.c, no library) ---- */

#define KIT_NFT_MAX_PORTS 16

struct kit_nft_port {
    unsigned inner; /* port in the container */
    unsigned outer; /* port on the host */
};

/* 1 if S (1-64 characters of [A-Za-z0-9-_./:]) may go into a script as a name or between
 * quotes: it cannot end a string or start another command.  0 otherwise. */
int kit_nft_word_ok(const char *s);

/* The table name for a container whose host interface is HOST_IF: "kit_" + HOST_IF. */
int kit_nft_table_name(const char *host_if, char *buf, size_t len);

#endif
