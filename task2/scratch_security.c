/* scratch_security.c - the last steps before CMD: fewer capabilities, the --user ids,
 * no_new_privs, seccomp.  Order matters: capabilities are dropped while we still may (the
 * bounding set needs CAP_SETPCAP), the user changes next (it needs CAP_SETUID and CAP_SETGID,
 * and takes every capability away), and the seccomp filter comes last, so that none of the
 * setup calls it forbids (mount, pivot_root, ...) are needed after it. */
#include "scratch.h"

#include <errno.h>
#include <grp.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "kit/err.h"

/* Docker's default capability set (moby: oci/caps/defaults.go). */
static const cap_value_t default_caps[] = {
    CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FSETID,     CAP_FOWNER,       CAP_MKNOD,
    CAP_NET_RAW, CAP_SETGID,      CAP_SETUID,     CAP_SETFCAP,      CAP_SETPCAP,
    CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL, CAP_AUDIT_WRITE,
};
#define N_DEFAULT_CAPS (int)(sizeof(default_caps) / sizeof(default_caps[0]))

unsigned long long scratch_default_caps_mask(void)
{
    unsigned long long mask = 0;
    for (int i = 0; i < N_DEFAULT_CAPS; i++)
        mask |= 1ULL << default_caps[i];
    return mask;
}

static bool is_default_cap(cap_value_t cap)
{
    for (int i = 0; i < N_DEFAULT_CAPS; i++)
        if (default_caps[i] == cap)
            return true;
    return false;
}

int scratch_drop_capabilities(void)
{
    /* >>> 2.12 Keep only Docker's default capabilities (default_caps above) in every set.
     *     1. Bounding set: cap_drop_bound() every other capability up to cap_max_bits() - the
     *        bounding set caps what any later execve() can grant, even to root (for uid 0,
     *        execve makes permitted = inheritable | bounding).  Needs CAP_SETPCAP: do it first.
     *     2. Effective and permitted = the default set, inheritable empty (what Docker does
     *        since CVE-2022-24769), in one cap_set_proc().
     *     3. Ambient set cleared (cap_reset_ambient), so no capability survives execve by it.
     *     Hint: libcap - cap_init, cap_set_flag, cap_set_proc, cap_free. */
    for (cap_value_t cap = 0; cap < (cap_value_t)cap_max_bits(); cap++)
        if (!is_default_cap(cap) && cap_drop_bound(cap) < 0 && errno != EINVAL)
            return kit_fail_errno("drop capability %d from the bounding set", cap);
    cap_t caps = cap_init(); /* all three sets empty */
    if (!caps)
        return kit_fail_errno("cap_init");
    int rc = 0;
    if (cap_set_flag(caps, CAP_EFFECTIVE, N_DEFAULT_CAPS, default_caps, CAP_SET) < 0 ||
        cap_set_flag(caps, CAP_PERMITTED, N_DEFAULT_CAPS, default_caps, CAP_SET) < 0 ||
        cap_set_proc(caps) < 0)
        rc = kit_fail_errno("set capabilities");
    cap_free(caps);
    if (rc == 0 && cap_reset_ambient() < 0)
        rc = kit_fail_errno("clear ambient capabilities");
    return rc;
    /* <<< 2.12 stub: (void)is_default_cap; return 0; */
}

int scratch_become_user(const struct scratch_config *cfg)
{
    /* >>> 2.17 --user UID:GID (cfg->uid, cfg->gid; nothing to do without cfg->as_user): become
     *     that user and group for good - real, effective and saved ids - with no supplementary
     *     group of root's left, and so with no capabilities.
     *     Kernel rules (credentials(7); capabilities(7), "Effect of user ID changes on
     *     capabilities"; setgroups(2)): changing ids takes CAP_SETUID / CAP_SETGID, and the
     *     change of user takes them away - so the groups go first, the user last.  When real,
     *     effective and saved uid all go from 0 to non-zero, the kernel empties the permitted,
     *     effective and ambient sets (the bounding set stays as 2.12 left it); a change of the
     *     effective uid alone keeps permitted (a saved uid 0 can become root again).
     *     Supplementary groups are inherited: root's stay unless replaced - except under
     *     --userns, where setgroups(2) is denied (2.6) and must not be called.
     *     Observe: grep -E 'Uid|Gid|Groups|Cap' /proc/PID/status of CMD, from the host. */
    if (!cfg->as_user)
        return 0;
    if (!cfg->userns && setgroups(0, NULL) < 0)
        return kit_fail_errno("setgroups");
    if (setresgid(cfg->gid, cfg->gid, cfg->gid) < 0)
        return kit_fail_errno("setresgid %u", (unsigned)cfg->gid);
    if (setresuid(cfg->uid, cfg->uid, cfg->uid) < 0)
        return kit_fail_errno("setresuid %u", (unsigned)cfg->uid);
    return 0;
    /* <<< 2.17 stub: (void)cfg; return 0; */
}

/* Refused outright with EPERM: reboot, kernel images and modules, swap, the mount table, the
 * kernel keyring, tracing other processes, BPF programs, performance counters, opening files
 * by handle (which walks around a chroot: the "shocker" escape). */
static const char *const denied_syscalls[] = {
    "reboot",        "kexec_load", "kexec_file_load", "init_module", "finit_module",
    "delete_module", "swapon",     "swapoff",         "mount",       "umount2",
    "pivot_root",    "keyctl",     "add_key",         "request_key", "ptrace",
    "bpf",           "perf_event_open", "fsopen",     "fsmount",     "move_mount",
    "open_tree",     "fspick",     "mount_setattr",   "open_by_handle_at",
};

int scratch_load_seccomp(void)
{
    /* >>> 2.13 Set no_new_privs, then load a seccomp filter that lets everything through
     *     (SCMP_ACT_ALLOW) except: each of denied_syscalls -> SCMP_ACT_ERRNO(EPERM);
     *     clone and unshare when their flags (argument 0) contain CLONE_NEWUSER, and setns
     *     when its nstype (argument 1) has CLONE_NEWUSER or is 0 ("any") -> EPERM;
     *     clone3 -> ENOSYS (its flags are in memory a filter cannot read, and ENOSYS makes
     *     the C library fall back to clone, which we can check).
     *     Kernel rules: PR_SET_NO_NEW_PRIVS means no execve can ever grant privileges again
     *     (setuid bits, file capabilities are ignored); it is also what lets a process
     *     without CAP_SYS_ADMIN install a filter.  A filter is inherited by every child and
     *     kept across execve, and cannot be removed - so it goes last.
     *     Hint: seccomp_init, seccomp_syscall_resolve_name, seccomp_rule_add with SCMP_A0 /
     *     SCMP_A1 and SCMP_CMP_MASKED_EQ, seccomp_load, seccomp_release. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return kit_fail_errno("set no_new_privs");
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx)
        return kit_fail("seccomp_init failed");
    int rc = 0;
    const unsigned long long newuser = CLONE_NEWUSER;
    for (size_t i = 0; rc == 0 && i < sizeof(denied_syscalls) / sizeof(denied_syscalls[0]); i++) {
        int nr = seccomp_syscall_resolve_name(denied_syscalls[i]);
        if (nr != __NR_SCMP_ERROR) /* unknown to this libseccomp or arch: nothing to deny */
            rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    }
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, newuser, newuser));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(unshare), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, newuser, newuser));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 1,
                              SCMP_A1(SCMP_CMP_MASKED_EQ, newuser, newuser));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(setns), 1,
                              SCMP_A1(SCMP_CMP_EQ, 0));
    if (rc == 0)
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    if (rc == 0)
        rc = seccomp_load(ctx);
    seccomp_release(ctx);
    if (rc < 0)
        return kit_fail_code(-rc, "load the seccomp filter");
    return 0;
    /* <<< 2.13 stub: (void)denied_syscalls; return 0; */
}
