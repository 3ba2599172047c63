/* sysctl.h - reading and writing /proc/sys.
 *
 * Network sysctls (/proc/sys/net/...) belong to the network namespace of the process that
 * opens the file, so net.ipv4.ip_forward written from a lab namespace changes that namespace
 * only.  Names use dots or slashes: "net.ipv4.ip_forward" or "net/ipv4/conf/ve-a/route_localnet".
 * A dotted name cannot reach an interface whose name has a dot in it; use slashes for those. */
#ifndef KIT_SYSCTL_H
#define KIT_SYSCTL_H

#include <stddef.h>

/* Write VALUE.  -1 with a message printed on failure. */
int kit_sysctl_write(const char *name, const char *value);

/* Read the value (trailing newline removed) into BUF.  -1 with errno on failure. */
int kit_sysctl_read(const char *name, char *buf, size_t len);

#endif
