/* mountinfo.h - reading /proc/PID/mountinfo (see proc(5)).
 *
 * A line looks like
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2) (3)   (4)   (5)      (6)      (7)   (8) (9)    (10)         (11)
 * Field 5 is the mount point; the optional fields (7) before the "-" say how the mount
 * propagates: "shared:N" (peer group N), "master:N" (receives from group N), "unbindable",
 * or nothing at all for a private mount.
 */
#ifndef KIT_MOUNTINFO_H
#define KIT_MOUNTINFO_H

#include <stddef.h>

/* Describe the propagation of the mount at MOUNT_POINT (the last one, if several are stacked)
 * as the kernel lists it in MOUNTINFO (e.g. "/proc/self/mountinfo"): "private", or the
 * optional fields joined by spaces ("shared:1", "shared:3 master:1", "unbindable").
 * 0 on success, -1 with errno (ENOENT when nothing is mounted there). */
int kit_mount_propagation(const char *mountinfo, const char *mount_point, char *buf, size_t len);

/* How many mounts are stacked at MOUNT_POINT in MOUNTINFO (0 if none); -1 with errno. */
int kit_mount_count(const char *mountinfo, const char *mount_point);

/* Detach (umount2(2) MNT_DETACH) every mount at DIR or below it in the caller's mount
 * namespace, e.g. what a killed program left on a temp dir that is to be removed.  How many
 * were detached, or -1 with errno. */
int kit_detach_mounts_below(const char *dir);

#endif
