/* syscall_probe - try syscalls a container must refuse, print "NAME ERRNO-NAME" for each.
 * Built static by the grader (cc -static) and copied into a busybox rootfs.  Every call uses
 * arguments that make it fail harmlessly (bad pointers, a missing path, pid 0x3fffffff) or do
 * nothing lasting in a throw-away child, so without a seccomp filter the errors are ENOENT,
 * EINVAL, ESRCH... or success ("OK"), and with the kit's filter they are EPERM. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NO_PID 0x3fffffff

static void report(const char *name, long rc)
{
    int err = errno;
    printf("%s %s\n", name, rc >= 0 ? "OK" : strerrorname_np(err));
}

/* Run one call in a child, so a call that succeeds (unshare, clone) changes nothing here. */
static void in_child(const char *name, long (*call)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        report(name, call());
        fflush(stdout);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
}

static long do_unshare(void) { return syscall(SYS_unshare, CLONE_NEWUSER); }
static long do_clone(void)
{
    long rc = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
    if (rc == 0)
        _exit(0); /* the new child in its own user namespace: nothing to do */
    if (rc > 0)
        waitpid((pid_t)rc, NULL, 0);
    return rc;
}

static long do_fork(void)
{
    long rc = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (rc == 0)
        _exit(0);
    if (rc > 0)
        waitpid((pid_t)rc, NULL, 0);
    return rc;
}

/* A pseudo-terminal from the container's own devpts, as a terminal program would open one. */
static long open_pty(void)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master < 0)
        return -1;
    long rc = -1;
    const char *name = grantpt(master) == 0 && unlockpt(master) == 0 ? ptsname(master) : NULL;
    int slave = name ? open(name, O_RDWR | O_NOCTTY) : -1;
    if (slave >= 0) {
        rc = 0;
        close(slave);
    }
    close(master);
    return rc;
}

/* Calls Docker's default profile allows: each must NOT fail with EPERM.  Printed as
 * "allowed NAME RESULT"; a filter that is too strict shows here. */
static void allow(const char *name, long rc)
{
    int err = errno;
    printf("allowed %s %s\n", name, rc >= 0 ? "OK" : strerrorname_np(err));
}

static void allowed(void)
{
    char buf[8];
    allow("fork", do_fork());
    allow("unshare(0)", syscall(SYS_unshare, 0));
    allow("setns(CLONE_NEWNET)", syscall(SYS_setns, -1, CLONE_NEWNET)); /* EBADF, not EPERM */
    allow("chroot", syscall(SYS_chroot, "/"));
    allow("socket", syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0));
    allow("personality", syscall(SYS_personality, 0xffffffffUL));
    allow("getrandom", syscall(SYS_getrandom, buf, sizeof(buf), 0));
    allow("pty", open_pty());
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    report("reboot", syscall(SYS_reboot, 0, 0, 0, NULL));
    report("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
    report("kexec_file_load", syscall(SYS_kexec_file_load, -1, -1, 0, NULL, 0));
    report("init_module", syscall(SYS_init_module, NULL, 0, ""));
    report("finit_module", syscall(SYS_finit_module, -1, "", 0));
    report("delete_module", syscall(SYS_delete_module, "kit_no_such_module", 0));
    report("swapon", syscall(SYS_swapon, "/kit/no/such/file", 0));
    report("swapoff", syscall(SYS_swapoff, "/kit/no/such/file"));
    report("mount", syscall(SYS_mount, "none", "/kit/no/such/dir", "tmpfs", 0, NULL));
    report("umount2", syscall(SYS_umount2, "/kit/no/such/dir", 0));
    report("pivot_root", syscall(SYS_pivot_root, "/kit/no/such/dir", "/kit/no/such/dir"));
    in_child("unshare(CLONE_NEWUSER)", do_unshare);
    in_child("clone(CLONE_NEWUSER)", do_clone);
    report("setns(CLONE_NEWUSER)", syscall(SYS_setns, -1, CLONE_NEWUSER));
    report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -100, 0));
    report("add_key", syscall(SYS_add_key, "user", "kit", NULL, 0, 0));
    report("request_key", syscall(SYS_request_key, "user", "kit-no-such-key", NULL, 0));
    report("ptrace", syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, NO_PID, NULL, NULL));
    report("bpf", syscall(SYS_bpf, -1, NULL, 0));
    report("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
    report("open_tree", syscall(SYS_open_tree, -1, "/kit/no/such/dir", 0));
#ifdef SYS_mount_setattr
    report("mount_setattr", syscall(SYS_mount_setattr, -1, "/kit/no/such/dir", 0, NULL, 0));
#endif
    allowed();
    report("getpid", syscall(SYS_getpid)); /* allowed: shows the probe itself ran */
    return 0;
}
