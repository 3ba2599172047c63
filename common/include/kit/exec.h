/* exec.h - what every path into a container (or any program the kit starts) does just
 * before execve, so nothing of the caller's process leaks into the new program.
 *
 * Kernel rules behind it:
 *  - File descriptors survive execve unless marked close-on-exec.  A descriptor inherited
 *    from the caller that points at a host directory (a shell's `exec 7</`) lets a program
 *    in the container walk the host's tree through /proc/self/fd/7, whatever its root and
 *    mount namespace (the class of runc's CVE-2024-21626).  runc and crun close every
 *    descriptor above 2 before exec; close_range(2) (Linux 5.9) does it in one call.
 *  - Handled signals are reset to the default by execve, but *ignored* signals stay ignored
 *    and the blocked mask is kept.  A caller started with SIGPIPE ignored (as systemd does
 *    for services) would hand that on, and `head` would then never die when its reader goes.
 */
#ifndef KIT_EXEC_H
#define KIT_EXEC_H

/* Close every file descriptor above 2 that is not in KEEP (N_KEEP entries, -1s ignored),
 * set every signal's disposition back to the default, and unblock all signals.
 * Call it in the child, just before execve.  0, or -1 with errno. */
int kit_exec_prepare(const int *keep, int n_keep);

#endif
