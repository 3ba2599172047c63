/* scratch_container - a complete container from the kernel's primitives.
 *
 *   scratch_container [options] ROOTFS CMD [ARGS...]      (--help for the options)
 *
 * The start, in order (each step is a part of this file or of scratch_*.c):
 *   parent                                   child (PID 1 of the new PID namespace)
 *   2.5  clone() into new namespaces    ->   waits on the gate
 *   2.6  writes uid_map/gid_map (--userns;
 *   2.18 --rootless: the caller's own ids)
 *   2.7  creates the cgroup, sets limits,
 *        moves the child in (scratch_cgroup.c;
 *        none with --rootless),
 *        opens the gate                ->   2.8  bind-mounts ROOTFS and the --mount paths
 *                                            2.9  becomes root of its user namespace, new
 *                                                 cgroup namespace
 *                                            2.10 proc, sys, dev; pivot_root; masks
 *                                                 (scratch_rootfs.c)
 *                                            2.11 hostname
 *                                            2.12 capabilities down to Docker's default set
 *                                            2.13 no_new_privs, seccomp filter
 *        waits, reports an OOM kill,    <-   2.14 init: runs CMD, reaps, forwards signals,
 *        removes the cgroup                       exits with CMD's status
 * Mounts need no cleanup: they live in the container's mount namespace, which the kernel
 * frees when its last process exits.  The cgroup is ours to remove.
 */
#include "scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>
#include <sys/syscall.h>

#include "kit/cgroup.h"
#include "kit/err.h"
#include "kit/run.h"
#include "kit/sync.h"

static volatile sig_atomic_t child_pid;

/* SIGTERM/SIGINT to scratch_container go to the container's init, which passes them on to CMD;
 * we then clean up when it exits.  (kill() is async-signal-safe.) */
static void forward_signal(int sig)
{
    if (child_pid > 0)
        kill(child_pid, sig);
}

static int install_forwarding(void)
{
    struct sigaction sa = {.sa_handler = forward_signal};
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
        return kit_fail_errno("sigaction");
    return 0;
}

/* SIGTERM/SIGINT stay blocked from before the clone until there is someone to pass them to:
 * here until child_pid is set, in the child (which inherits the mask) until its init has
 * handlers and CMD's PID.  A signal arriving meanwhile waits as pending instead of being lost
 * (PID 1 of a namespace drops signals it has no handler for). */
static void block_forwarded_signals(int how)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(how, &set, NULL);
}

static int write_proc_file(pid_t pid, const char *file, const char *text)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return kit_fail_errno("open %s", path);
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    if (n != (ssize_t)strlen(text))
        return kit_fail_errno("write '%s' to %s", text, path);
    return 0;
}

/* Alternative 2.5: clone3(2) through syscall(2), fork-style - no stack of our own: the child
 * returns 0 on a copy of our stack and calls the child's function itself. */
static pid_t clone_container(struct scratch_config *cfg)
{
    struct clone_args args = {
        .flags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
                 (cfg->net_host ? 0 : CLONE_NEWNET) | (cfg->userns ? CLONE_NEWUSER : 0),
        .exit_signal = SIGCHLD,
    };
    long pid = syscall(SYS_clone3, &args, sizeof(args));
    if (pid == 0)
        _exit(scratch_child_main(cfg));
    if (pid < 0)
        kit_fail_errno("clone3");
    return (pid_t)pid;
}

static int write_id_maps(pid_t pid, const struct scratch_config *cfg)
{
    /* >>> 2.6 With --userns, map the child's ids: container 0..count-1 -> host id_base...
     *     Write /proc/PID/uid_map ("0 BASE COUNT"), then "deny" to /proc/PID/setgroups, then
     *     /proc/PID/gid_map.  Kernel rules: each map can be written once, by a process with
     *     CAP_SETUID/CAP_SETGID over the parent user namespace; setgroups must be denied
     *     *before* gid_map whenever the writer lacks CAP_SETGID there, and denying it is also
     *     what keeps container root from dropping a supplementary group that a file's
     *     permissions use to shut it out.  Until the maps exist the child's ids are unmapped
     *     (it shows as 65534) and setuid(0) inside fails with EINVAL. */
    if (!cfg->userns)
        return 0;
    char map[64];
    snprintf(map, sizeof(map), "0 %lu %lu\n", cfg->id_base, cfg->id_count);
    if (write_proc_file(pid, "uid_map", map) < 0 ||
        write_proc_file(pid, "setgroups", "deny") < 0 ||
        write_proc_file(pid, "gid_map", map) < 0)
        return -1;
    return 0;
    /* <<< 2.6 stub: (void)pid; (void)cfg; (void)write_proc_file; return 0; */
}

/* Alternative 2.18: the child's /proc directory opened once, the three files written in
 * order through openat(2) and dprintf(3). */
static int write_rootless_id_maps(pid_t pid)
{
    char dir[32];
    snprintf(dir, sizeof(dir), "/proc/%d", (int)pid);
    int procfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (procfd < 0)
        return kit_fail_errno("open %s", dir);
    const struct { const char *file; const char *fmt; unsigned id; } steps[] = {
        {"uid_map", "0 %u 1\n", (unsigned)geteuid()},
        {"setgroups", "deny", 0},
        {"gid_map", "0 %u 1\n", (unsigned)getegid()},
    };
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
        int fd = openat(procfd, steps[i].file, O_WRONLY | O_CLOEXEC);
        if (fd < 0 || dprintf(fd, steps[i].fmt, steps[i].id) < 0)
            rc = kit_fail_errno("%s/%s", dir, steps[i].file);
        if (fd >= 0 && close(fd) < 0 && rc == 0) /* proc reports a refused map here too */
            rc = kit_fail_errno("%s/%s", dir, steps[i].file);
    }
    close(procfd);
    return rc;
}

/* The container's cgroup (2.7, scratch_cgroup.c), named after our PID so two containers never
 * share one, with its limits, and the child in it - before the gate opens.  None with
 * --rootless: an unprivileged user may not make groups. */
static int setup_cgroup(struct scratch_cgroup *cg, pid_t pid, const struct scratch_config *cfg)
{
    if (cfg->rootless)
        return 0;
    char name[64];
    snprintf(name, sizeof(name), "scratch-%d", (int)getpid());
    if (scratch_cgroup_create(cg, name) < 0 || scratch_cgroup_set_limits(cg, cfg) < 0 ||
        scratch_cgroup_join(cg, pid) < 0)
        return -1;
    return 0;
}

static int remove_cgroup(struct scratch_cgroup *cg, const struct scratch_config *cfg)
{
    return cfg->rootless ? 0 : scratch_cgroup_remove(cg);
}

/* Wait for the container and turn its end into our exit status. */
static int wait_container(pid_t pid, const struct scratch_cgroup *cg,
                          const struct scratch_config *cfg)
{
    int status = kit_wait_status(pid);
    if (status < 0)
        return kit_fail_errno("waitpid"), 1;
    if (cfg->memory_bytes > 0 && scratch_cgroup_oom_kills(cg) > 0)
        kit_fail("%s was killed by the OOM killer (memory limit %lld)", cfg->argv[0],
                 cfg->memory_bytes);
    return status;
}

int main(int argc, char **argv)
{
    kit_set_prog(argv[0]);
    static struct scratch_config cfg;
    if (scratch_parse_options(argc, argv, &cfg) < 0)
        return 2;
    if (access(cfg.rootfs, X_OK) < 0) {
        kit_fail_errno("rootfs %s", cfg.rootfs);
        return 2;
    }
    if (geteuid() != 0 && !cfg.rootless) {
        kit_fail("needs root (it creates namespaces, cgroups and mounts); without root, try "
                 "--rootless");
        return 2;
    }
    if (cfg.rootless)
        cfg.userns = true;
    if (install_forwarding() < 0 || kit_gate_init(&cfg.gate) < 0)
        return 1;

    block_forwarded_signals(SIG_BLOCK);
    pid_t pid = clone_container(&cfg);
    if (pid < 0)
        return 1;
    child_pid = pid;
    block_forwarded_signals(SIG_UNBLOCK);
    static struct scratch_cgroup cg;
    int maps = cfg.rootless ? write_rootless_id_maps(pid) : write_id_maps(pid, &cfg);
    if (maps < 0 || setup_cgroup(&cg, pid, &cfg) < 0 || kit_gate_open(&cfg.gate) < 0) {
        /* The child sees the gate close without opening (EPIPE) and exits; make sure. */
        kit_gate_close(&cfg.gate);
        kill(pid, SIGKILL);
        kit_wait_status(pid);
        remove_cgroup(&cg, &cfg);
        return 1;
    }
    int status = wait_container(pid, &cg, &cfg);
    child_pid = 0; /* reaped: its number may be reused, forward nothing more */
    if (remove_cgroup(&cg, &cfg) < 0 && status == 0)
        status = 1;
    return status;
}
