/* ns.h - creating and identifying namespaces. */
#ifndef KIT_NS_H
#define KIT_NS_H

#include <sys/types.h>

/* clone(2) FN(ARG) on a fresh stack with CLONE flags FLAGS (plus SIGCHLD, so the parent can
 * waitpid() for it).  Returns the child's PID as the parent sees it, or -1 with errno. */
pid_t kit_clone(int flags, int (*fn)(void *), void *arg);

/* Name under /proc/PID/ns/ for one CLONE_NEW* flag ("uts", "pid", ...); NULL if unknown. */
const char *kit_ns_name(int nstype);

/* The inode of namespace NAME (as in /proc/PID/ns, e.g. "net" or "pid_for_children") of
 * process PID (0: the caller), from stat(2) of /proc/PID/ns/NAME: two processes share a
 * namespace exactly when these numbers are equal.  -1 with errno (ENOENT: no such process or
 * namespace). */
int kit_ns_inode(pid_t pid, const char *name, unsigned long *inode);

/* Parse a namespace link text "TYPE:[INODE]" as readlink(2) returns it. */
int kit_ns_parse_link(const char *link, char *type, size_t type_len, unsigned long *inode);

#endif
