/* ns.h - creating, joining and identifying namespaces. */
#ifndef KIT_NS_H
#define KIT_NS_H

#include <sys/types.h>

/* clone(2) FN(ARG) on a fresh stack with CLONE flags FLAGS (plus SIGCHLD, so the parent can
 * waitpid() for it).  Returns the child's PID as the parent sees it, or -1 with errno. */
pid_t kit_clone(int flags, int (*fn)(void *), void *arg);

/* pidfd_open(2): a file descriptor that names process PID and cannot be confused with a later
 * process that reuses the number.  Since Linux 5.8 setns(2) accepts it directly and can join
 * several of the process's namespaces at once.  -1 with errno (ENOSYS before Linux 5.3). */
int kit_pidfd_open(pid_t pid);

/* setns(2) into the namespace of type NSTYPE (CLONE_NEWUTS, CLONE_NEWPID, ...) that process PID
 * is in: through a pidfd where the kernel allows it (5.8+), else /proc/PID/ns/<name>.
 * For CLONE_NEWPID this changes only where the caller's *future children* go: a process never
 * changes its own PID namespace (see pid_namespaces(7)). */
int kit_ns_join(pid_t pid, int nstype);

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
