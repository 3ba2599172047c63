/* mini_lsns - which namespaces a process is in, or every namespace on the system.
 *
 *   mini_lsns PID   one line per entry of /proc/PID/ns: its inode and its name
 *   mini_lsns       every namespace in use, like util-linux lsns: NS TYPE NPROCS PID COMMAND
 *
 * A namespace is identified by the inode number of its nsfs file: /proc/PID/ns/uts is a
 * magic link whose text is "uts:[4026531838]".  Two processes share a namespace exactly when
 * those numbers (and the device, always nsfs) are equal.
 */
#include "kit/err.h"
#include "kit/ns.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TYPE_LEN 32

/* The namespace types lsns reports (the *_for_children links name no extra namespace). */
static const char *const lsns_types[] = {"mnt", "net", "time", "cgroup", "pid", "user", "uts", "ipc"};
#define N_TYPES (sizeof(lsns_types) / sizeof(lsns_types[0]))

struct ns_entry {
    unsigned long inode;
    char type[TYPE_LEN];
    int nprocs;
    pid_t lowest_pid;
};

struct ns_table {
    struct ns_entry *items;
    size_t len, cap;
};

/* Read /proc/PID/ns/NAME: its type ("pid" for pid_for_children too) and inode. */
static int read_ns(pid_t pid, const char *name, char type[TYPE_LEN], unsigned long *inode)
{
    /* >>> 1.4 Read the namespace link /proc/PID/ns/NAME and split it into type and inode.
     *     Hint: readlink(2) does not NUL-terminate; the text looks like "net:[4026531833]";
     *     kit_ns_parse_link() (common/include/kit/ns.h) splits it.  Return 0, or -1 with
     *     errno set (ENOENT when the process is gone). */
    char path[PATH_MAX], link[128];
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
    memset(link, 0, sizeof(link));
    if (readlink(path, link, sizeof(link) - 1) < 0)
        return -1;
    char *open_bracket = strchr(link, '[');
    if (!open_bracket || open_bracket == link || open_bracket[-1] != ':') {
        errno = EINVAL;
        return -1;
    }
    snprintf(type, TYPE_LEN, "%.*s", (int)(open_bracket - 1 - link), link);
    *inode = strtoul(open_bracket + 1, NULL, 10);
    return 0;
    /* <<< 1.4 stub: (void)pid; (void)name; (void)type; (void)inode; errno = ENOSYS; return -1; */
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int show_process(pid_t pid)
{
    char dir[64];
    snprintf(dir, sizeof(dir), "/proc/%d/ns", (int)pid);
    struct dirent **names;
    int n = scandir(dir, &names, NULL, by_name);
    if (n < 0)
        return errno == ENOENT ? kit_fail("no process with PID %d", (int)pid)
                               : kit_fail_errno("cannot read %s", dir);
    int rc = 0;
    printf("%10s %s\n", "NS", "TYPE");
    for (int i = 0; i < n; i++) {
        char type[TYPE_LEN];
        unsigned long inode;
        if (names[i]->d_name[0] != '.' && rc == 0) {
            if (read_ns(pid, names[i]->d_name, type, &inode) == 0)
                printf("%10lu %s\n", inode, names[i]->d_name);
            else
                rc = kit_fail_errno("cannot read namespace %s of PID %d", names[i]->d_name,
                                    (int)pid);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static struct ns_entry *find_or_add(struct ns_table *t, const char *type, unsigned long inode)
{
    for (size_t i = 0; i < t->len; i++)
        if (t->items[i].inode == inode && strcmp(t->items[i].type, type) == 0)
            return &t->items[i];
    if (t->len == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        struct ns_entry *items = realloc(t->items, cap * sizeof(*items));
        if (!items)
            return NULL;
        t->items = items;
        t->cap = cap;
    }
    struct ns_entry *e = &t->items[t->len++];
    memset(e, 0, sizeof(*e));
    e->inode = inode;
    snprintf(e->type, sizeof(e->type), "%s", type);
    return e;
}

/* Count process PID in each of its namespaces.  A process that vanished is skipped. */
static int count_process(struct ns_table *table, pid_t pid)
{
    for (size_t i = 0; i < N_TYPES; i++) {
        char type[TYPE_LEN];
        unsigned long inode;
        if (read_ns(pid, lsns_types[i], type, &inode) < 0)
            continue; /* gone, or a type this kernel lacks */
        /* >>> 1.5 Count PID in the namespace (type, inode): lsns shows, per namespace, how
         *     many processes are in it (NPROCS) and the lowest PID among them (PID).
         *     Hint: find_or_add() gives the table entry; return -1 if it returns NULL. */
        struct ns_entry *entry = find_or_add(table, type, inode);
        if (entry == NULL)
            return -1;
        entry->nprocs += 1;
        if (entry->nprocs == 1 || entry->lowest_pid > pid)
            entry->lowest_pid = pid;
        /* <<< 1.5 stub: (void)table; (void)pid; (void)find_or_add; */
    }
    return 0;
}

static void print_command(pid_t pid)
{
    char path[64], buf[256];
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    if (n == 0) { /* a kernel thread has no command line: lsns shows its name */
        snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
        f = fopen(path, "r");
        n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
        if (f)
            fclose(f);
    }
    buf[n] = '\0';
    for (size_t i = 0; i < n; i++)
        if (buf[i] == '\0' || buf[i] == '\n')
            buf[i] = ' ';
    while (n > 0 && buf[n - 1] == ' ')
        buf[--n] = '\0';
    printf("%s\n", buf);
}

static int by_inode(const void *a, const void *b)
{
    const struct ns_entry *x = a, *y = b;
    return x->inode < y->inode ? -1 : x->inode > y->inode;
}

static int show_all(void)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return kit_fail_errno("cannot read /proc");
    struct ns_table table = {0};
    struct dirent *d;
    int rc = 0;
    while (rc == 0 && (d = readdir(proc)) != NULL)
        if (isdigit((unsigned char)d->d_name[0]))
            rc = count_process(&table, (pid_t)atoi(d->d_name));
    closedir(proc);
    if (rc < 0) {
        free(table.items);
        return kit_fail_errno("counting namespaces");
    }
    if (table.len > 1)
        qsort(table.items, table.len, sizeof(table.items[0]), by_inode);
    printf("%10s %-6s %6s %5s %s\n", "NS", "TYPE", "NPROCS", "PID", "COMMAND");
    for (size_t i = 0; i < table.len; i++) {
        struct ns_entry *e = &table.items[i];
        printf("%10lu %-6s %6d %5d ", e->inode, e->type, e->nprocs, (int)e->lowest_pid);
        print_command(e->lowest_pid);
    }
    free(table.items);
    return 0;
}

/* A PID is a positive decimal number that fits pid_t. */
static int parse_pid(const char *text, pid_t *pid)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value <= 0 || value > INT_MAX)
        return -1;
    *pid = (pid_t)value;
    return 0;
}

int main(int argc, char **argv)
{
    kit_set_prog(argv[0]);
    if (argc > 2) {
        fprintf(stderr, "usage: %s [PID]\n", kit_prog());
        return 2;
    }
    if (argc == 1)
        return show_all() == 0 ? 0 : 1;
    pid_t pid;
    if (parse_pid(argv[1], &pid) < 0)
        return kit_fail("'%s' is not a PID (a positive number)", argv[1]), 1;
    return show_process(pid) == 0 ? 0 : 1;
}
