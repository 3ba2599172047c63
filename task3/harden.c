/* harden.c - `run --read-only` and `run --user UID[:GID]` (Docker's options): a container that
 * cannot change its image's files, and whose processes are not root.
 *
 * --read-only: the container's root and the two files bound on it (/etc/hostname,
 *   /etc/resolv.conf, as Docker) are read-only mounts; a tmpfs on /tmp stays writable (podman's
 *   --read-only-tmpfs default; Docker wants `--tmpfs /tmp` for that).  /dev, /dev/shm, /proc
 *   and /sys are mounts of their own and keep their flags.
 * --user UID[:GID]: PID 1 and every `exec` run with these ids in each of the real, effective,
 *   saved and filesystem fields, with no supplementary groups and therefore (the kernel clears
 *   them when a process leaves uid 0) no capabilities.  Numbers only: the image's /etc/passwd
 *   is not read, so without GID the group is 0, as Docker does for a UID its image does not
 *   list.
 * run records both in containers/NAME/config (readonly=1, user=UID:GID) for exec. */
#include "conductor.h"

#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kit/err.h"
#include "kit/parse.h"

/* (uid_t)-1 means "leave unchanged" to setresuid(2) and chown(2): never a user's id. */
#define ID_MAX 4294967294L

int parse_user(const char *text, struct hardening *h)
{
    char copy[32];
    long uid = -1, gid = 0;
    if (strlen(text) < sizeof(copy)) {
        strcpy(copy, text);
        char *colon = strchr(copy, ':');
        if (colon)
            *colon = '\0';
        if (kit_parse_count(copy, 0, ID_MAX, &uid) < 0 ||
            (colon && kit_parse_count(colon + 1, 0, ID_MAX, &gid) < 0))
            uid = -1;
    }
    if (uid < 0)
        return kit_fail("--user '%.40s': UID or UID:GID, numbers from 0 to %ld (names are not "
                        "looked up)", text, ID_MAX);
    h->user_set = true;
    h->uid = (uid_t)uid;
    h->gid = (gid_t)gid;
    return 0;
}

int hardening_format(const struct hardening *h, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s", h->read_only ? "readonly=1\n" : "");
    if (h->user_set && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, "user=%u:%u\n", (unsigned)h->uid, (unsigned)h->gid);
    return n >= 0 && (size_t)n < len ? 0 : -1;
}

int hardening_load(const char *config, struct hardening *h)
{
    struct record rec;
    *h = (struct hardening){0};
    if (record_load(&rec, config) < 0)
        return kit_fail_errno("%s", config);
    const char *ro = record_get(&rec, "readonly"), *user = record_get(&rec, "user");
    h->read_only = ro && strcmp(ro, "1") == 0;
    int rc = user ? parse_user(user, h) : 0;
    record_free(&rec);
    return rc;
}

/* >>> 3.g Make the container's root read-only (run --read-only).  This runs in the container
 *     right after enter_root (3.a): "/" is the overlay make_root mounted.  Wanted: "/"
 *     read-only, and so the two files make_root bound on it (/etc/hostname and
 *     /etc/resolv.conf), while /tmp is a fresh tmpfs (mode 1777, like the /tmp of every base;
 *     make the directory if the image has none) where programs can still write.
 *     Kernel rules (mount(2): "Remounting an existing mount", "Creating a bind mount"):
 *     read-only is a flag of each *mount* (the 6th field of /proc/PID/mountinfo), not of a
 *     directory tree: a mount made on "/" has flags of its own.  A remount with MS_BIND
 *     changes only that one mount's flags; without MS_BIND it reconfigures the *filesystem*
 *     under every mount of it - for a bound file that is the host's own disk, read-only for
 *     the whole machine.  Nothing can be created on "/" once it is read-only.
 *     Returns 0, or -1 after a message (kit_fail_errno).
 *     Observe, from the host: grep ' / ' /proc/PID/mountinfo; touch /proc/PID/root/x */
int make_root_read_only(void)
{
    /* First the tmpfs: its mount point may have to be made, which a read-only root forbids. */
    if (mkdir("/tmp", 01777) < 0 && errno != EEXIST)
        return kit_fail_errno("mkdir /tmp");
    if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
        return kit_fail_errno("mount a tmpfs on /tmp");
    /* Then the root and the binds on it, each its own mount with its own flags. */
    static const char *const mounts[] = {"/", "/etc/hostname", "/etc/resolv.conf"};
    for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++)
        if (mount(NULL, mounts[i], NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
            return kit_fail_errno("remount %s read-only", mounts[i]);
    return 0;
}
/* <<< 3.g stub: int make_root_read_only(void) { return kit_fail("--read-only: not implemented (3.g)"); } */

/* >>> 3.h Become user UID, group GID (run --user, and each exec of such a container), for
 *     good: the real, effective, saved and filesystem ids all (the Uid: and Gid: lines of
 *     /proc/PID/status show the four), and no supplementary group left of those conductor
 *     had (Groups:).  Runs as root just before the exec.
 *     Kernel rules (credentials(7), setresuid(2), setgroups(2), capabilities(7) "Effect of
 *     user ID changes on capabilities"): only a privileged process may set ids it does not
 *     already have, and a process whose ids are all non-zero is no longer privileged - so
 *     the order of the calls matters.  Which ids does setuid(2) change for root, which
 *     seteuid(2)?  A saved uid of 0 lets a process become root again.
 *     Returns 0, or -1 after a message (kit_fail_errno).
 *     Observe: grep -E '^(Uid|Gid|Groups|Cap(Prm|Eff))' /proc/PID/status */
int become_user(uid_t uid, gid_t gid)
{
    /* Groups and gid first: both need the privilege that the change of uid gives up. */
    if (setgroups(0, NULL) < 0)
        return kit_fail_errno("setgroups");
    if (setresgid(gid, gid, gid) < 0)
        return kit_fail_errno("setresgid %u", (unsigned)gid);
    if (setresuid(uid, uid, uid) < 0)
        return kit_fail_errno("setresuid %u", (unsigned)uid);
    return 0;
}
/* <<< 3.h stub: int become_user(uid_t uid, gid_t gid) { (void)uid; (void)gid; return kit_fail("--user: not implemented (3.h)"); } */
