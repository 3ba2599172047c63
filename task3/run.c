/* run.c - `conductor run [-d] [--rm] [-it] [--memory M] [--cpus F] [--pids N] [--read-only]
 *          [--user UID[:GID]] IMAGE NAME [--] [CMD...]`.
 *
 * What happens, step by step (the shell commands each step matches are in docs/task3.md):
 *   1. state: containers/NAME/ with its own empty upper/ and work/ (made in tmp/, renamed);
 *   2. a cgroup below ours with the limits (kit_cgroup_*);
 *   3. clone(2) with new UTS, PID, mount, network and IPC namespaces; the child waits at a gate
 *      until the parent has put it in the cgroup (and networking has wired its netns);
 *   4. the child mounts the overlay of the image's layers + its upper dir on root/, proc, sys,
 *      a minimal /dev, /etc/hostname and /etc/resolv.conf, sets the hostname, pivot_roots
 *      into root/ (--read-only: then the root and those two files read-only, a tmpfs on
 *      /tmp: harden.c) and execs the command (--user: as that user): the command is PID 1 of
 *      the new PID namespace;
 *   5. the parent (the conductor itself, or with -d a detached monitor) waits for PID 1 and
 *      records its exit code, which `ps` shows (or, with --rm, removes the container).
 *      A container that never started is removed at once: its name stays free.
 * Exit status as Docker's: the command's own, 125 if conductor failed, 126/127 if the command
 * could not be executed / was not found, 2 for bad usage.
 * Nothing is mounted in the host's mount namespace: every mount lives (and dies) with the
 * container's own mount namespace. */
#include "conductor.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "kit/cgroup.h"
#include "kit/err.h"
#include "kit/exec.h"
#include "kit/parse.h"
#include "kit/rootfs.h"
#include "kit/run.h"
#include "kit/sync.h"

struct start_spec {
    const struct container *c;
    const struct image *img;
    char **cmd;             /* NULL: the image's CMD, else /bin/bash, else /bin/sh */
    const struct hardening *hard; /* --read-only, --user */
    struct kit_gate gate;   /* parent -> child: you are in the cgroup, go on */
    int report_fd;          /* child -> parent: one byte if the setup failed (close-on-exec) */
};

/* The child reports a failed setup with one byte on the close-on-exec report pipe; a
 * successful execve closes the pipe, which the parent reads as "started". */
static int setup_failed(const struct start_spec *s)
{
    char byte = 1;
    if (write(s->report_fd, &byte, 1) < 0) {
        /* nothing more we can say */
    }
    return 127;
}

/* An interactive container keeps the caller's terminal (a pty of the host's devpts) as its
 * stdin/stdout, but its own /dev/pts is a fresh devpts instance where that pty does not exist:
 * `tty` would say "not a tty".  Binding the terminal on ROOT/dev/console (as LXC does) gives
 * it a name inside.  Nothing to do when stdin is not a terminal (-d, pipes). */
static int bind_terminal(const char *root)
{
    char tty[PATH_MAX], console[PATH_MAX];
    if (!isatty(STDIN_FILENO) || ttyname_r(STDIN_FILENO, tty, sizeof(tty)) != 0)
        return 0;
    snprintf(console, sizeof(console), "%s/dev/console", root);
    if (kit_make_mount_point(console, false) < 0 || kit_bind_mount(tty, console, false) < 0)
        return -1;
    return 0;
}

static int container_init(void *arg);

/* >>> 3.a Start the container.  Three steps, each one kernel interface (container_init, below,
 *     calls them in this order and execs the command; you write these three):
 *     start_container(s): clone(2) a child running container_init(s) as PID 1 of new UTS,
 *       PID, mount, network and IPC namespaces.  Without CLONE_VM the child needs a stack of
 *       its own (mmap(2) one); the parent learns of its end through the exit signal.
 *     make_root(s, root): in the child's mount namespace, which starts as a copy of the
 *       host's: stop propagation back to the host first (mount(2) with MS_PRIVATE, see
 *       mount_namespaces(7)), then the overlay of the image on ROOT (mount_layers, 3.d, with
 *       c->dir/upper and c->dir/work), a proc for the new PID namespace (proc(5)), a
 *       read-only sysfs (it shows the namespace of the mounter: sysfs(5)), and a /dev of its
 *       own: a tmpfs with the character devices null, zero, full, random, urandom and tty
 *       (mknod(2); their numbers are in the kernel's Documentation/admin-guide/devices.txt),
 *       a new devpts instance on dev/pts with dev/ptmx pointing into it (devpts in
 *       Documentation/filesystems/devpts.rst) and a tmpfs on dev/shm.  Then c->dir/hostname
 *       and c->dir/resolv.conf bound over ROOT/etc/hostname and ROOT/etc/resolv.conf (a bind
 *       mount needs an existing file to land on; creating one in ROOT copies it up).
 *     enter_root(s, root): the container's hostname (its name), then make ROOT "/" with
 *       pivot_root(2) (read its NOTES: new_root and put_old may be the same directory) and
 *       leave nothing of the host reachable (umount2(2)), ending in the new "/".
 *     Each returns 0, or -1 after a message (kit_fail_errno).
 *     Test: conductor run IMG c1 -- sh -c 'echo $$; hostname; ls /proc /sys /dev' */
#define STACK_SIZE (1024 * 1024)

static pid_t start_container(struct start_spec *s)
{
    /* Only children enter a new PID namespace, never the caller: that is why this is clone
     * and not unshare.  SIGCHLD: the parent's waitpid sees the child as an ordinary one. */
    char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        return -1;
    int flags = CLONE_NEWUTS | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC;
    pid_t pid = clone(container_init, stack + STACK_SIZE, flags | SIGCHLD, s);
    int saved = errno;
    munmap(stack, STACK_SIZE); /* the child has its own copy of the mapping */
    errno = saved;
    return pid;
}

/* mkdir ROOT/REL if needed, then mount(SOURCE, ROOT/REL, TYPE, FLAGS, DATA). */
static int mount_in(const char *root, const char *rel, const char *source, const char *type,
                    unsigned long flags, const char *data)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return kit_fail_errno("mkdir %s", path);
    if (mount(source, path, type, flags, data) < 0)
        return kit_fail_errno("mount %s on %s", type ? type : source, path);
    return 0;
}

static int make_dev(const char *root)
{
    static const struct {
        const char *name;
        unsigned major, minor;
    } nodes[] = {{"null", 1, 3}, {"zero", 1, 5},    {"full", 1, 7},
                 {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
    char path[PATH_MAX];
    if (mount_in(root, "dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755") < 0)
        return -1;
    for (size_t i = 0; i < sizeof(nodes) / sizeof(nodes[0]); i++) {
        snprintf(path, sizeof(path), "%s/dev/%s", root, nodes[i].name);
        /* mknod's mode is filtered by the umask: chmod afterwards for rw to everyone. */
        if (mknod(path, S_IFCHR | 0666, makedev(nodes[i].major, nodes[i].minor)) < 0 ||
            chmod(path, 0666) < 0)
            return kit_fail_errno("mknod %s", path);
    }
    /* newinstance: the container's ptys are its own, not the host's /dev/pts. */
    if (mount_in(root, "dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
                 "newinstance,ptmxmode=0666,mode=0620") < 0 ||
        mount_in(root, "dev/shm", "shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/dev/ptmx", root);
    if (symlink("pts/ptmx", path) < 0)
        return kit_fail_errno("symlink %s", path);
    return 0;
}

static int make_root(const struct start_spec *s, const char *root)
{
    const struct container *c = s->c;
    char upper[PATH_MAX], work[PATH_MAX], src[PATH_MAX], dst[PATH_MAX];
    snprintf(upper, sizeof(upper), "%s/upper", c->dir);
    snprintf(work, sizeof(work), "%s/work", c->dir);
    /* Without this, every mount below would propagate to the host's shared mounts. */
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return kit_fail_errno("make / private");
    if (mount_layers(s->img, upper, work, root) < 0 ||
        mount_in(root, "proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 ||
        mount_in(root, "sys", "sysfs", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                 NULL) < 0 ||
        make_dev(root) < 0)
        return -1;
    snprintf(dst, sizeof(dst), "%s/etc", root);
    if (mkdir(dst, 0755) < 0 && errno != EEXIST)
        return kit_fail_errno("mkdir %s", dst);
    static const char *const files[] = {"hostname", "resolv.conf"};
    for (size_t i = 0; i < 2; i++) {
        snprintf(src, sizeof(src), "%s/%s", c->dir, files[i]);
        snprintf(dst, sizeof(dst), "%s/etc/%s", root, files[i]);
        if (access(dst, F_OK) < 0) {
            int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
            if (fd < 0)
                return kit_fail_errno("create %s", dst);
            close(fd);
        }
        if (mount(src, dst, NULL, MS_BIND, NULL) < 0)
            return kit_fail_errno("bind %s on %s", src, dst);
    }
    return 0;
}

static int enter_root(const struct start_spec *s, const char *root)
{
    if (sethostname(s->c->name, strlen(s->c->name)) < 0)
        return kit_fail_errno("sethostname");
    /* ROOT is the overlay's mount point, as pivot_root wants.  With ".", "." the old root
     * ends up stacked on top of the new one; detaching "." then takes it (and every host
     * mount below it) away, leaving the new root. */
    if (chdir(root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
        return kit_fail_errno("pivot_root into %s", root);
    if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
        return kit_fail_errno("leave the host's root");
    return 0;
}
/* <<< 3.a stub: static pid_t start_container(struct start_spec *s) { (void)s; (void)container_init; errno = ENOSYS; return -1; } static int make_root(const struct start_spec *s, const char *root) { (void)s; (void)root; return kit_fail("run: not implemented (3.a)"); } static int enter_root(const struct start_spec *s, const char *root) { (void)s; (void)root; return kit_fail("run: not implemented (3.a)"); } */

/* The child: PID 1 of the new namespaces.  It waits until the parent has put it into the
 * cgroup (and wired its network), builds its root (3.a), hides what runc's default spec
 * hides, and execs the command.  Any failure is reported on the report pipe. */
static int container_init(void *arg)
{
    struct start_spec *s = arg;
    char root[PATH_MAX];
    snprintf(root, sizeof(root), "%s/root", s->c->dir);
    if (kit_gate_wait(&s->gate) < 0 || make_root(s, root) < 0 || bind_terminal(root) < 0 ||
        enter_root(s, root) < 0 || (s->hard->read_only && make_root_read_only() < 0) ||
        kit_mask_proc_and_sys() < 0)
        return setup_failed(s);
    const char *workdir = s->img->workdir[0] ? s->img->workdir : "/";
    if (chdir(workdir) < 0) {
        kit_fail_errno("chdir %s", workdir);
        return setup_failed(s);
    }
    if (s->hard->user_set && become_user(s->hard->uid, s->hard->gid) < 0)
        return setup_failed(s);
    char **env = container_environment(s->img, s->c->name);
    char *bash[] = {"/bin/bash", NULL}, *sh[] = {"/bin/sh", NULL};
    char *const *cmd = s->cmd ? s->cmd : s->img->ncmd > 0 ? s->img->cmd : NULL;
    if (kit_exec_prepare(&s->report_fd, 1) < 0) {
        kit_fail_errno("prepare exec");
        return setup_failed(s);
    }
    if (cmd) {
        execvpe(cmd[0], cmd, env);
        kit_fail_errno("exec %s", cmd[0]);
        return setup_failed(s);
    }
    execve(bash[0], bash, env);
    execve(sh[0], sh, env);
    kit_fail_errno("exec /bin/sh");
    return setup_failed(s);
}

static int write_text(const char *dir, const char *file, const char *text)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (write_file_atomic(path, text) < 0)
        return kit_fail_errno("write %s", path);
    return 0;
}

/* Step 1: the container's directory, complete before it appears under containers/. */
static int create_state(struct container *c, const struct image *img)
{
    char tmp[PATH_MAX], path[PATH_MAX];
    if (state_tmpdir(tmp) < 0)
        return -1;
    static const char *const dirs[] = {"upper", "work", "root"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s/%s", tmp, dirs[i]);
        if (mkdir(path, 0755) < 0) {
            kit_fail_errno("mkdir %s", path);
            remove_tree(tmp);
            return -1;
        }
    }
    char text[1024], hostname[NAME_MAX_LEN + 2];
    snprintf(text, sizeof(text), "name=%s\nimage=%s\ncreated=%ld\n", c->name, img->name, c->created);
    snprintf(hostname, sizeof(hostname), "%s\n", c->name);
    char *resolv = read_file("/etc/resolv.conf");
    snprintf(path, sizeof(path), "%s/image", tmp);
    int rc = image_write(img, path) < 0 ? kit_fail_errno("write %s", path) : 0;
    if (rc == 0)
        rc = write_text(tmp, "config", text);
    if (rc == 0)
        rc = write_text(tmp, "hostname", hostname);
    if (rc == 0)
        rc = write_text(tmp, "resolv.conf", resolv ? resolv : "");
    if (rc == 0)
        rc = write_text(tmp, "log", "");
    free(resolv);
    if (rc == 0 && rename(tmp, c->dir) < 0)
        rc = kit_fail_errno("rename %s", c->dir);
    if (rc < 0)
        remove_tree(tmp);
    return rc;
}

/* Record PID 1's exit code, unless the container was removed meanwhile (stop) or replaced. */
static void record_exit(const struct container *c, pid_t pid, int status)
{
    struct container now;
    if (container_load(c->name, &now) < 0 || now.init_pid != pid || now.created != c->created)
        return;
    char text[16];
    snprintf(text, sizeof(text), "%d\n", status);
    write_text(c->dir, "exit", text);
}

/* Steps 3-4 from the parent's side.  Returns PID 1's PID, or -1 (printed) with *FAILED set
 * to the exit status `run` reports: the child's 126/127 (command not executable / not
 * found), else 125 (conductor failed), as Docker does. */
static pid_t start_and_record(struct container *c, const struct image *img, char **cmd,
                              const struct hardening *hard, struct kit_cgroup *cg, int *failed)
{
    *failed = 125;
    int report[2];
    struct start_spec s = {.c = c, .img = img, .cmd = cmd, .hard = hard};
    if (kit_gate_init(&s.gate) < 0 || pipe2(report, O_CLOEXEC) < 0)
        return kit_fail_errno("pipe");
    s.report_fd = report[1];
    fflush(NULL);
    pid_t pid = start_container(&s);
    close(report[1]);
    if (pid < 0) {
        kit_fail_errno("start container %s", c->name);
        kit_gate_close(&s.gate);
        close(report[0]);
        return -1;
    }
    char text[128];
    snprintf(text, sizeof(text), "pid=%d\nstart=%llu\n", (int)pid, process_start_time(pid));
    int rc = kit_cgroup_add(cg, pid);
    if (rc == 0)
        rc = write_text(c->dir, "init", text);
    if (rc == 0)
        rc = conductor_network_on_start(c->name, pid);
    if (rc == 0)
        rc = kit_gate_open(&s.gate);
    else
        kit_gate_close(&s.gate); /* the child sees EPIPE and gives up */
    char byte;
    ssize_t n;
    do
        n = read(report[0], &byte, 1);
    while (n < 0 && errno == EINTR);
    close(report[0]);
    if (rc < 0 || n != 0) {
        int status = kit_wait_status(pid);
        if (status == 126 || status == 127)
            *failed = status;
        return kit_fail("container %s did not start", c->name);
    }
    return pid;
}

struct run_options {
    bool detach, remove;
    long long memory; /* -1: no limit */
    double cpus;      /* -1: no limit */
    long pids;        /* -1: no limit */
    struct hardening hard; /* --read-only, --user */
    const char *image, *name;
    char **cmd;       /* NULL: the image's CMD */
};

/* Docker's smallest --memory: below it a container is killed before its command starts. */
#define MEMORY_MIN (6LL << 20)

/* 0, or the exit status for bad input (2, after a message). */
static int parse_limit(int opt, const char *arg, struct run_options *o)
{
    switch (opt) {
    case 'm':
        if (kit_parse_size(arg, MEMORY_MIN, &o->memory) < 0)
            return kit_fail("--memory '%.40s': %s", arg,
                            errno == ERANGE ? "from 6m up" : "bytes, e.g. 64m or 1g"), 2;
        return 0;
    case 'c':
        if (kit_parse_cpus(arg, &o->cpus) < 0)
            return kit_fail("--cpus '%.40s': a number of CPUs from 0.01 to 1024, e.g. 0.5", arg), 2;
        return 0;
    default:
        if (kit_parse_count(arg, 1, KIT_PIDS_MAX, &o->pids) < 0)
            return kit_fail("--pids '%.40s': a whole number from 1 to %ld", arg, KIT_PIDS_MAX), 2;
        return 0;
    }
}

/* run [-d] [--rm] [-i] [-t] [--memory M] [--cpus F] [--pids N] [--read-only] [-u|--user U[:G]]
 *     IMAGE NAME [--] [CMD...]
 * (-i and -t are accepted for Docker's habits: the terminal is the container's whenever
 * stdin is one).  0, or the exit status for bad input. */
static int parse_run_options(int argc, char **argv, struct run_options *o)
{
    static const struct option options[] = {
        {"detach", no_argument, NULL, 'd'},         {"rm", no_argument, NULL, 'r'},
        {"interactive", no_argument, NULL, 'i'},    {"tty", no_argument, NULL, 't'},
        {"memory", required_argument, NULL, 'm'},   {"cpus", required_argument, NULL, 'c'},
        {"pids", required_argument, NULL, 'p'},     {"pids-limit", required_argument, NULL, 'p'},
        {"read-only", no_argument, NULL, 'R'},      {"user", required_argument, NULL, 'u'},
        {NULL, 0, NULL, 0},
    };
    *o = (struct run_options){.memory = -1, .cpus = -1, .pids = -1};
    int opt, rc;
    optind = 1;
    opterr = 1;
    while ((opt = getopt_long(argc, argv, "+ditm:u:", options, NULL)) != -1) {
        if (opt == 'd')
            o->detach = true;
        else if (opt == 'r')
            o->remove = true;
        else if (opt == 'R')
            o->hard.read_only = true;
        else if (opt == 'u') {
            if (parse_user(optarg, &o->hard) < 0)
                return 2;
        }
        else if (opt == 'i' || opt == 't')
            continue;
        else if (opt == 'm' || opt == 'c' || opt == 'p') {
            if ((rc = parse_limit(opt, optarg, o)) != 0)
                return rc;
        } else
            return usage_error(argv[0]);
    }
    if (argc - optind < 2)
        return usage_error(argv[0]);
    o->image = argv[optind];
    o->name = argv[optind + 1];
    int rest = optind + 2;
    if (rest < argc && strcmp(argv[rest], "--") == 0 && ++rest == argc)
        return usage_error(argv[0]); /* "--" and nothing after it */
    o->cmd = rest < argc ? argv + rest : NULL;
    if (!valid_name("image", o->image) || !valid_name("container", o->name))
        return 2;
    return 0;
}

/* Step 2: the cgroup with its limits, its paths recorded in config for `exec` and `stop`
 * (which may run from another cgroup than ours), with --read-only and --user (for `exec`).
 * NULL after a message. */
static struct kit_cgroup *create_cgroup(const struct container *c, const struct image *img,
                                        const struct run_options *o)
{
    struct kit_cgroup *cg = kit_cgroup_create(c->cgroup_name);
    bool ok = cg != NULL;
    if (ok && o->memory > 0)
        ok = kit_cgroup_set_memory(cg, o->memory) == 0;
    if (ok && o->cpus > 0)
        ok = kit_cgroup_set_cpu(cg, (long)(o->cpus * 100000), 100000) == 0;
    if (ok && o->pids > 0)
        ok = kit_cgroup_set_pids(cg, o->pids) == 0;
    if (ok) {
        char text[4096];
        int n = snprintf(text, sizeof(text), "name=%s\nimage=%s\ncreated=%ld\n", c->name,
                         img->name, c->created);
        static const char *const controllers[] = {"cpu", "memory", "pids"};
        for (size_t i = 0; i < 3; i++) {
            const char *dir = kit_cgroup_path(cg, controllers[i]);
            if (dir && n < (int)sizeof(text))
                n += snprintf(text + n, sizeof(text) - (size_t)n, "cgroup=%s\n", dir);
        }
        ok = n < (int)sizeof(text) &&
             hardening_format(&o->hard, text + n, sizeof(text) - (size_t)n) == 0 &&
             write_text(c->dir, "config", text) == 0;
    }
    if (!ok) {
        kit_fail("container %s: cgroup setup failed", c->name);
        if (cg)
            kit_cgroup_destroy(cg);
        return NULL;
    }
    return cg;
}

/* --rm, and a container that never started: nothing of it stays, not even its name. */
static void remove_container(const char *name, bool locked)
{
    int lock = locked ? -1 : state_lock();
    struct container now;
    if ((locked || lock >= 0) && container_load(name, &now) == 0)
        container_remove(&now);
    if (lock >= 0)
        close(lock);
}

/* The detached monitor: PID 1's parent, in a session of its own, output to the log.  Reports
 * 'y' (started) or the failure status on READY, then waits and records the exit code. */
static void monitor_container(struct container *c, const struct image *img,
                              const struct run_options *o, struct kit_cgroup *cg, int ready)
{
    setsid();
    char log[PATH_MAX];
    snprintf(log, sizeof(log), "%s/log", c->dir);
    int in = open("/dev/null", O_RDONLY), out = open(log, O_WRONLY | O_APPEND);
    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
        _exit(125);
    /* Keep no inherited descriptor (a test harness's pipe, the lock) open for the container's
     * lifetime: only stdio, and READY until we have reported. */
    if (kit_exec_prepare(&ready, 1) < 0)
        _exit(125);
    int failed;
    pid_t pid = start_and_record(c, img, o->cmd, &o->hard, cg, &failed);
    char byte = pid > 0 ? 'y' : (char)failed;
    if (write(ready, &byte, 1) < 0) {
        /* the caller is gone; the container runs anyway */
    }
    close(ready);
    if (pid < 0)
        _exit(failed);
    record_exit(c, pid, kit_wait_status(pid));
    if (o->remove)
        remove_container(c->name, false);
    _exit(0);
}

/* run -d: fork the monitor, wait until it says the container started.  Called with the lock
 * held (LOCK); returns the exit status. */
static int run_detached(struct container *c, const struct image *img,
                        const struct run_options *o, struct kit_cgroup *cg, int lock)
{
    int ready[2];
    if (pipe2(ready, O_CLOEXEC) < 0)
        return kit_fail_errno("pipe"), 125;
    fflush(NULL);
    pid_t monitor = fork();
    if (monitor < 0)
        return kit_fail_errno("fork"), 125;
    if (monitor == 0) {
        close(ready[0]);
        monitor_container(c, img, o, cg, ready[1]);
    }
    close(ready[1]);
    char byte = 125;
    ssize_t n;
    do
        n = read(ready[0], &byte, 1);
    while (n < 0 && errno == EINTR);
    close(ready[0]);
    kit_cgroup_free(cg);
    if (n == 1 && byte == 'y') {
        close(lock);
        printf("%s\n", c->name);
        return 0;
    }
    char log[PATH_MAX];
    snprintf(log, sizeof(log), "%s/log", c->dir);
    char *text = read_file(log);
    if (text)
        fputs(text, stderr);
    free(text);
    kit_fail("container %s did not start", c->name);
    remove_container(c->name, true);
    close(lock);
    return n == 1 && (byte == 126 || byte == 127) ? byte : 125;
}

/* A foreground run: the terminal's ^C (or a SIGTERM/SIGHUP to conductor) stops the container.
 * PID 1 of a PID namespace gets a signal from outside only if it handles it (SIGKILL
 * excepted; pid_namespaces(7)), so the first one is forwarded, and the container is killed
 * if it is still there 2 s later or at the next one. */
static volatile sig_atomic_t stop_signal, stop_count;
static void on_stop_signal(int sig)
{
    stop_signal = sig;
    stop_count++;
}

static int wait_foreground(pid_t pid)
{
    struct sigaction sa = {.sa_handler = on_stop_signal}; /* no SA_RESTART: waitpid returns */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    /* ^Z would stop conductor but not the container, which would run on unwatched. */
    signal(SIGTSTP, SIG_IGN);
    signal(SIGQUIT, SIG_IGN);
    int status, forwarded = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            return kit_fail_errno("wait for %d", (int)pid), 125;
        if (stop_signal == SIGALRM || stop_count > 1) {
            kill(pid, SIGKILL);
        } else if (stop_count > forwarded) {
            forwarded = stop_count;
            kill(pid, stop_signal);
            alarm(2);
        }
    }
    alarm(0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int cmd_run(int argc, char **argv)
{
    struct run_options o;
    int rc = parse_run_options(argc, argv, &o);
    if (rc != 0)
        return rc;
    int lock = state_lock();
    if (lock < 0)
        return 125;
    struct image img;
    struct container c = {0};
    snprintf(c.name, sizeof(c.name), "%s", o.name);
    state_path(c.dir, "containers/%s", o.name);
    c.created = (long)time(NULL);
    container_cgroup_name(o.name, c.cgroup_name, sizeof(c.cgroup_name));
    if (image_load(o.image, &img) < 0) {
        close(lock);
        return kit_fail("no such image: %s", o.image), 125;
    }
    if (path_exists(c.dir)) {
        close(lock);
        image_free(&img);
        return kit_fail("container %s already exists", o.name), 125;
    }
    struct kit_cgroup *cg = NULL;
    if (create_state(&c, &img) < 0 || !(cg = create_cgroup(&c, &img, &o))) {
        if (path_exists(c.dir))
            remove_container(c.name, true);
        close(lock);
        image_free(&img);
        return 125;
    }
    if (o.detach) {
        rc = run_detached(&c, &img, &o, cg, lock);
        image_free(&img);
        return rc;
    }
    int failed;
    pid_t pid = start_and_record(&c, &img, o.cmd, &o.hard, cg, &failed);
    kit_cgroup_free(cg);
    if (pid < 0) {
        remove_container(c.name, true);
        close(lock);
        image_free(&img);
        return failed;
    }
    close(lock);
    int status = wait_foreground(pid);
    record_exit(&c, pid, status);
    if (o.remove)
        remove_container(c.name, false);
    image_free(&img);
    return status;
}
