/* busybox.h - a minimal root filesystem from the host's static busybox (busybox-static).
 * Offline and instant: what the fast tests and the conductor's `FROM busybox` use. */
#ifndef KIT_BUSYBOX_H
#define KIT_BUSYBOX_H

/* The static busybox binary copied into every rootfs (Debian's busybox-static). */
#define KIT_BUSYBOX_BIN "/bin/busybox"

/* Make DIR a busybox root: DIR/bin/busybox (a copy of KIT_BUSYBOX_BIN), one symlink per applet
 * where `busybox --list-full` puts it (bin/sh, sbin/reboot, usr/bin/head ...), /etc/passwd and
 * /etc/group with root and nobody, /etc/hostname, empty proc sys dev tmp root dirs.
 * Built in a temp dir next to DIR and renamed into place, so DIR is either complete or absent.
 * DIR must not exist (or be an empty directory).  0, or -1 with a message printed. */
int kit_busybox_rootfs(const char *dir);

#endif
