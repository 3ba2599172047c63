/* rootfs.h - turning a directory into a container's root: the mounts and the pivot_root.
 * Each function is one step of a container start; the comments say the kernel rule behind it.
 * All return 0, or -1 with a message already printed. */
#ifndef KIT_ROOTFS_H
#define KIT_ROOTFS_H

#include <stdbool.h>

/* mount(NULL, "/", NULL, MS_REC|MS_PRIVATE): stop our mounts propagating back to the host
 * (and make pivot_root possible: it refuses a shared new root or old root's parent). */
int kit_make_mounts_private(void);

/* Bind SRC on DST (recursive), then remount read-only if READONLY. */
int kit_bind_mount(const char *src, const char *dst, bool readonly);

/* Remount the mount at PATH read-only, keeping its nosuid/nodev/noexec/atime flags (a user
 * namespace may not clear them). */
int kit_remount_readonly(const char *path);

/* Create PATH to mount on: its parents as directories, then PATH itself as a directory, or as
 * an empty file when IS_DIR is false (a file can only be bind-mounted on a file).  An existing
 * PATH is fine. */
int kit_make_mount_point(const char *path, bool is_dir);

/* Inside the new root directory ROOT (before pivot_root; ROOT may be relative): a tmpfs
 * ROOT/dev with null zero full random urandom tty, devpts + ptmx, /dev/shm, the stdio symlinks.
 * IN_USERNS: device nodes cannot be created in a user namespace, so bind them from the host. */
int kit_mount_dev(const char *root, bool in_userns);

/* runc's default spec, as data (NULL-terminated): paths hidden from the container (config.json
 * "maskedPaths") and paths made read-only ("readonlyPaths").  Some do not exist on every kernel. */
extern const char *const kit_runc_masked_paths[];
extern const char *const kit_runc_readonly_paths[];

/* As runc's default spec: hide /proc/kcore, /proc/keys, /proc/timer_list, /proc/sched_debug
 * and /sys/firmware; make /proc/sys and /proc/sysrq-trigger read-only.  Call after pivot_root. */
int kit_mask_proc_and_sys(void);

#endif
