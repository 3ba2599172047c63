/* simple_container - a container built one kernel feature at a time (task 2, part 1).
 *
 *   simple_container 2a|2b|2c ROOT
 *
 * First ROOT (new, empty, or made by an earlier run) gets container_prog and every shared
 * library it needs, at the same paths as on the host.  Then:
 *   2a  chroot into ROOT and run "/container_prog subtask1": it sees only ROOT's files;
 *   2b  the same as the first process of new PID and UTS namespaces, with subtask2: it is
 *       PID 1 and renames its "host" without the real host noticing;
 *   2c  2b with subtask3 in a cgroup that allows half of one CPU, to watch the benchmark
 *       take twice as long.
 */
#include "simple_cgroup.h"
#include "simple_elf.h"

#include "kit/err.h"
#include "kit/exec.h"
#include "kit/file.h"
#include "kit/run.h"
#include "kit/sync.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* 2c: the container may run CPU_QUOTA_US microseconds in every CPU_PERIOD_US: half a core. */
#define CPU_QUOTA_US 50000
#define CPU_PERIOD_US 100000

#if defined(__x86_64__)
#define MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define MULTIARCH "aarch64-linux-gnu"
#else
#define MULTIARCH "unknown-linux-gnu"
#endif

/* Where the dynamic loader looks when a program says nothing else (see ld.so(8)); Debian
 * puts libraries in the "multiarch" directories first. */
static const char *const library_dirs[] = {
    "/lib/" MULTIARCH, "/usr/lib/" MULTIARCH, "/lib64", "/usr/lib64", "/lib", "/usr/lib",
};
#define N_LIBRARY_DIRS (sizeof(library_dirs) / sizeof(library_dirs[0]))

/* A set of paths, in the order they were found. */
struct path_list {
    char **paths;
    size_t count;
};

static bool list_has(const struct path_list *list, const char *path)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->paths[i], path) == 0)
            return true;
    return false;
}

/* Add PATH unless it is there: 1 if added, 0 if it was there, -1 without memory. */
static int list_add(struct path_list *list, const char *path)
{
    if (list_has(list, path))
        return 0;
    char **grown = realloc(list->paths, (list->count + 1) * sizeof(*grown));
    if (!grown)
        return -1;
    list->paths = grown;
    if (!(list->paths[list->count] = strdup(path)))
        return -1;
    list->count++;
    return 1;
}

static void list_free(struct path_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->paths[i]);
    free(list->paths);
}

/* Add to NEEDED the program interpreter of ELF_PATH and every library it needs, directly or
 * through other libraries, as the paths they have on this machine. */
static int add_dependencies(const char *elf_path, struct path_list *needed)
{
    /* TODO 2.4: Find what ELF_PATH needs to run and add the full paths to NEEDED (list_add):
     *     the interpreter named by its PT_INTERP segment, then for every DT_NEEDED entry of
     *     its PT_DYNAMIC segment the library of that name in the first of library_dirs that
     *     has it - and, once per library, what that library needs in turn (recursion).
     *     Hint: simple_elf.h maps the file (elf_open) and finds segments (elf_segment,
     *     elf_segment_data); DT_NEEDED values are offsets into the string table, whose
     *     address DT_STRTAB gives (elf_at_address turns it into bytes of the file).
     *     Check: `readelf -l -d container_prog` or `ldd container_prog` list the same. */
    size_t done = needed->count; /* what earlier calls listed was walked by them */
    const char *current = elf_path;
    for (;;) {
        struct elf_image elf;
        if (elf_open(current, &elf) != 0)
            return -1;
        int bad = 0;
        const Elf64_Phdr *ph = elf_segment(&elf, PT_INTERP);
        if (ph) {
            const char *interp = elf_segment_data(&elf, ph);
            if (!interp || !memchr(interp, '\0', ph->p_filesz))
                bad = kit_fail("%s: PT_INTERP", current);
            else if (list_add(needed, interp) < 0)
                bad = kit_fail_errno("list_add");
        }
        ph = elf_segment(&elf, PT_DYNAMIC);
        const Elf64_Dyn *dyn = ph ? elf_segment_data(&elf, ph) : NULL;
        size_t n = dyn ? ph->p_filesz / sizeof(*dyn) : 0;
        const char *strtab = NULL;
        for (size_t i = 0; i < n && !strtab; i++)
            if (dyn[i].d_tag == DT_STRTAB)
                strtab = elf_at_address(&elf, dyn[i].d_un.d_ptr);
        for (size_t i = 0; i < n && !bad && dyn[i].d_tag != DT_NULL; i++) {
            if (dyn[i].d_tag != DT_NEEDED)
                continue;
            if (!strtab) {
                bad = kit_fail("%s: no DT_STRTAB", current);
                break;
            }
            const char *lib = strtab + dyn[i].d_un.d_val;
            char found[PATH_MAX];
            size_t d;
            for (d = 0; d < N_LIBRARY_DIRS; d++) {
                snprintf(found, sizeof(found), "%s/%s", library_dirs[d], lib);
                struct stat st;
                if (stat(found, &st) == 0 && S_ISREG(st.st_mode))
                    break;
            }
            if (d == N_LIBRARY_DIRS)
                bad = kit_fail("%s: %s not found", current, lib);
            else if (list_add(needed, found) < 0)
                bad = kit_fail_errno("list_add");
        }
        elf_close(&elf);
        if (bad)
            return -1;
        /* next: the first listed file not walked yet (the interpreter too: harmless) */
        if (done >= needed->count)
            return 0;
        current = needed->paths[done++];
    }
}

/* ---------- ROOT: checking it and filling it -------------------------------------------- */

static bool has_file(const char *dir, const char *name)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool found = faccessat(fd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
    close(fd);
    return found;
}

/* Make ROOT_ARG usable as the container's root and put its absolute path in ROOT.  It must be
 * new, empty, or made by an earlier run (it has /container_prog); never "/".  Nothing is ever
 * deleted: an earlier root's files are overwritten with fresh copies. */
static int prepare_root(const char *root_arg, char root[PATH_MAX])
{
    if (mkdir(root_arg, 0755) < 0 && errno != EEXIST)
        return kit_fail_errno("create %s", root_arg);
    if (!realpath(root_arg, root))
        return kit_fail_errno("%s", root_arg);
    if (strcmp(root, "/") == 0)
        return kit_fail("refusing to use / as the container's root: give a new directory");
    DIR *dir = opendir(root);
    if (!dir)
        return kit_fail_errno("open %s", root);
    bool empty = true;
    struct dirent *entry;
    while ((entry = readdir(dir)) && empty)
        empty = strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0;
    closedir(dir);
    if (!empty && !has_file(root, "container_prog"))
        return kit_fail("%s is not empty and was not made by simple_container: give a new or "
                        "empty directory", root);
    return 0;
}

/* Create the directories of DEST's parent inside ROOT (DEST is absolute, as seen from inside).
 * A symlink on the way could lead outside ROOT, so it is refused. */
static int make_parents_in_root(const char *root, const char *dest)
{
    char path[PATH_MAX];
    size_t root_len = strlen(root);
    if (root_len + strlen(dest) >= sizeof(path))
        return kit_fail("path too long: %s%s", root, dest);
    strcpy(path, root);
    for (const char *p = dest; *p == '/';) {
        const char *next = strchr(p + 1, '/');
        if (!next)
            break; /* the last component is the file itself */
        size_t used = strlen(path);
        memcpy(path + used, p, (size_t)(next - p));
        path[used + (size_t)(next - p)] = '\0';
        struct stat st;
        if (lstat(path, &st) == 0) {
            if (!S_ISDIR(st.st_mode))
                return kit_fail("%s exists and is not a directory (symlinks are not followed)",
                                path);
        } else if (errno != ENOENT || mkdir(path, 0755) < 0) {
            return kit_fail_errno("create %s", path);
        }
        p = next;
    }
    return 0;
}

/* Copy the file SOURCE (following symlinks: we want the library, not the link) to ROOT/DEST. */
static int copy_into_root(const char *root, const char *source, const char *dest)
{
    if (dest[0] != '/' || strstr(dest, "/../") || strstr(dest, "/./"))
        return kit_fail("refusing to copy to %s: not a plain absolute path", dest);
    if (make_parents_in_root(root, dest) < 0)
        return -1;
    char target[2 * PATH_MAX];
    snprintf(target, sizeof(target), "%s%s", root, dest);
    int in = open(source, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return kit_fail_errno("open %s", source);
    int out = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0755);
    if (out < 0) {
        close(in);
        return kit_fail_errno("create %s", target);
    }
    int rc = 0;
    if (kit_copy_fd(in, out) < 0)
        rc = kit_fail_errno("copy %s to %s", source, target);
    if (rc == 0 && fchmod(out, 0755) < 0)
        rc = kit_fail_errno("chmod %s", target);
    close(in);
    if (close(out) < 0 && rc == 0)
        rc = kit_fail_errno("write %s", target);
    return rc;
}

/* container_prog lives next to this program. */
static int find_container_prog(char path[PATH_MAX])
{
    ssize_t n = readlink("/proc/self/exe", path, PATH_MAX - 1);
    if (n < 0)
        return kit_fail_errno("readlink /proc/self/exe");
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash || (size_t)(slash - path) + sizeof("/container_prog") > PATH_MAX)
        return kit_fail("cannot tell where simple_container is");
    strcpy(slash, "/container_prog");
    if (access(path, X_OK) < 0)
        return kit_fail_errno("%s (run make in task2 first)", path);
    return 0;
}

/* Copy container_prog to ROOT/container_prog and what it needs to the same paths in ROOT. */
static int fill_root(const char *root)
{
    char prog[PATH_MAX];
    if (find_container_prog(prog) < 0)
        return -1;
    struct path_list libs = {0};
    int rc = add_dependencies(prog, &libs);
    if (rc == 0)
        rc = copy_into_root(root, prog, "/container_prog");
    for (size_t i = 0; i < libs.count && rc == 0; i++)
        rc = copy_into_root(root, libs.paths[i], libs.paths[i]);
    list_free(&libs);
    return rc;
}

/* ---------- the container ------------------------------------------------------------------- */

struct container {
    const char *root;
    const char *subtask;    /* argument for container_prog */
    struct kit_gate *gate;  /* if set, wait for the parent to open it before starting */
};

/* Make ROOT the root directory of this process: from now on "/" means ROOT for it and for
 * what it runs.  Nothing else changes: chroot is not a jail (see docs/task2.md). */
static int enter_root(const char *root)
{
    /* TODO 2.1: Make ROOT this process's root directory, and its working directory too (a
     *     working directory left outside the new root is the classic way out of a chroot).
     *     Hint: chdir(2), then chroot(2); needs CAP_SYS_CHROOT (run as root).
     *     Check: `sudo ./simple_container 2a /tmp/r` lists the same names as `ls -A /tmp/r`. */
    if (chroot(root) != 0)
        return kit_fail_errno("chroot(%s)", root);
    if (chdir("/") != 0)
        return kit_fail_errno("chdir / in %s", root);
    return 0;
}

/* The container's first process: wait for the parent if asked, enter ROOT, become
 * container_prog. */
static int container_main(void *arg)
{
    const struct container *c = arg;
    if (c->gate && kit_gate_wait(c->gate) < 0) {
        kit_fail_errno("the parent did not let the container start");
        return 1;
    }
    if (enter_root(c->root) < 0)
        return 1;
    char *argv[] = {"/container_prog", (char *)c->subtask, NULL};
    /* Nothing of ours may reach the container: no inherited descriptor (one open on a host
     * directory leads out of any root), no ignored or blocked signal. */
    if (kit_exec_prepare(NULL, 0) < 0) {
        kit_fail_errno("prepare the exec of /container_prog");
        return 1;
    }
    execv(argv[0], argv);
    kit_fail_errno("run /container_prog inside %s", c->root);
    return 127;
}

/* The container's stack: clone(2) runs the child's function on memory the caller provides. */
#define STACK_SIZE (1024 * 1024)

/* Start container_main(C) as PID 1 of a new PID namespace with its own hostname. */
static pid_t start_in_namespaces(struct container *c)
{
    /* TODO 2.2: Start container_main(c) in new PID and UTS namespaces and return its PID (as
     *     we, the parent, see it).  The first process of a new PID namespace is its PID 1.
     *     Hint: clone(2) (the glibc wrapper): the flags choose what the child gets new; the
     *     low byte of the flags is the signal the parent gets when the child exits, and
     *     waitpid() without __WALL only waits for children that send SIGCHLD.  The child
     *     runs on a stack you give it (mmap(2) or an array; it grows down on x86-64: pass
     *     its top).  Without CLONE_VM the child has its own copy of our memory.
     *     Check: `sudo ./simple_container 2b /tmp/r` says "Process PID: 1", and
     *     `readlink /proc/PID/ns/uts` differs from your shell's while it runs. */
    /* clone3 without a stack: like fork, the child goes on on a copy of ours */
    struct clone_args args = {
        .flags = CLONE_NEWPID | CLONE_NEWUTS,
        .exit_signal = SIGCHLD,
    };
    long pid = syscall(SYS_clone3, &args, sizeof(args));
    if (pid == 0)
        _exit(container_main(c));
    return (pid_t)pid;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void print_host_hostname(void)
{
    char name[256] = "";
    gethostname(name, sizeof(name) - 1);
    printf("Hostname in the host: %s\n", name);
}

/* 2a: chroot only. */
static int run_chrooted(const char *root)
{
    struct container c = {.root = root, .subtask = "subtask1"};
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return kit_fail_errno("fork");
    if (pid == 0)
        _exit(container_main(&c));
    return kit_wait_status(pid);
}

/* 2b: chroot in new PID and UTS namespaces. */
static int run_in_namespaces(const char *root)
{
    struct container c = {.root = root, .subtask = "subtask2"};
    fflush(stdout);
    pid_t pid = start_in_namespaces(&c);
    if (pid < 0)
        return kit_fail_errno("start the container in new PID and UTS namespaces");
    int status = kit_wait_status(pid);
    print_host_hostname();
    return status;
}

/* The group's throttling counters from its cpu.stat (the same names on v1 and v2): in how many
 * enforcement periods it ran, and in how many it used up its quota and had to wait. */
static void print_throttling(const char *group)
{
    char path[PATH_MAX + 16], key[64];
    unsigned long long value, periods = 0, throttled = 0;
    snprintf(path, sizeof(path), "%s/cpu.stat", group);
    FILE *f = fopen(path, "re");
    if (!f)
        return;
    while (fscanf(f, "%63s %llu", key, &value) == 2) {
        if (strcmp(key, "nr_periods") == 0)
            periods = value;
        else if (strcmp(key, "nr_throttled") == 0)
            throttled = value;
    }
    fclose(f);
    printf("Throttled in %llu of %llu periods (%s)\n", throttled, periods, path);
}

/* 2c: as 2b, in a cgroup capped at half a core.  The container waits at a gate until it is
 * in the cgroup, so not one instruction of container_prog runs uncapped. */
static int run_capped(const char *root)
{
    struct kit_gate gate;
    if (kit_gate_init(&gate) < 0)
        return kit_fail_errno("pipe");
    struct container c = {.root = root, .subtask = "subtask3", .gate = &gate};
    fflush(stdout);
    pid_t pid = start_in_namespaces(&c);
    if (pid < 0) {
        kit_gate_close(&gate);
        return kit_fail_errno("start the container in new PID and UTS namespaces");
    }
    char name[64], group[PATH_MAX];
    snprintf(name, sizeof(name), "simple_container-%d", (int)getpid());
    if (cpu_cap(pid, name, CPU_QUOTA_US, CPU_PERIOD_US, group, sizeof(group)) < 0) {
        kit_fail_errno("put the container in a cgroup");
        kit_gate_close(&gate); /* the container sees EPIPE and gives up */
        kit_wait_status(pid);
        return -1;
    }
    printf("Cgroup: %s (%d us of CPU every %d us)\n", group, CPU_QUOTA_US, CPU_PERIOD_US);
    fflush(stdout);
    long long start = now_ms();
    if (kit_gate_open(&gate) < 0)
        kit_fail_errno("let the container start");
    int status = kit_wait_status(pid);
    printf("Wall time in the cgroup: %lld ms\n", now_ms() - start);
    print_throttling(group);
    print_host_hostname();
    if (cgroup_remove(group) < 0 && status == 0)
        status = 1;
    return status;
}

static int usage(void)
{
    fprintf(stderr, "usage: %s 2a|2b|2c ROOT\n", kit_prog());
    return 2;
}

int main(int argc, char **argv)
{
    kit_set_prog(argv[0]);
    if (argc != 3)
        return usage();
    int (*run)(const char *root) = NULL;
    if (strcmp(argv[1], "2a") == 0)
        run = run_chrooted;
    else if (strcmp(argv[1], "2b") == 0)
        run = run_in_namespaces;
    else if (strcmp(argv[1], "2c") == 0)
        run = run_capped;
    else
        return usage();
    char root[PATH_MAX];
    if (prepare_root(argv[2], root) < 0 || fill_root(root) < 0)
        return 1;
    int status = run(root);
    return status < 0 ? 1 : status;
}
