/* cgroup.c - one interface over cgroup v2 and v1 (see kit/cgroup.h for the model).
 *
 * Every controller the kit uses has a "slot": cpu (limits), cpuacct (usage; on v2 that is the
 * core file cpu.stat), memory and pids.  Each slot is found on its own, so v1, v2 and hybrid
 * layouts (v1 controllers next to a v2 mount that holds none of them) all work, and a group is
 * made in every hierarchy that holds one of them, always below the caller's own cgroup.
 */
#include "kit/cgroup.h"
#include "cgroup_systemd.h"
#include "kit/err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum slot { SLOT_CPU, SLOT_CPUACCT, SLOT_MEMORY, SLOT_PIDS, N_SLOTS };
static const char *const slot_name[N_SLOTS] = {"cpu", "cpuacct", "memory", "pids"};

/* On v2, when the caller's own cgroup holds processes, they are moved into this child of it so
 * that controllers can be enabled there (see enable_controllers()). */
#define V2_LEAF_NAME "kit-leaf"
/* How long destroy waits for dying tasks before giving up on a group. */
#define REMOVE_TIMEOUT_MS 5000

struct kit_cgroup {
    char *dir[N_SLOTS];     /* the group's directory per slot; NULL: controller not available */
    int version[N_SLOTS];   /* 1 or 2 per slot */
    char **made;            /* parent directories created for "a/b" names, in creation order */
    size_t n_made;
    char *v2_caller_dir;    /* the caller's own v2 cgroup, to undo an evacuation on destroy */
};

/* ---------- where to look: the real system or a fake tree --------------------------------- */

static bool faking;
static char fs_root[PATH_MAX];
static char mountinfo_file[PATH_MAX] = "/proc/self/mountinfo";
static char self_cgroup_file[PATH_MAX] = "/proc/self/cgroup";

void kit_cgroup_use_fake_system(const char *root, const char *mountinfo, const char *self_cgroup)
{
    faking = root != NULL;
    snprintf(fs_root, sizeof(fs_root), "%s", root ? root : "");
    snprintf(mountinfo_file, sizeof(mountinfo_file), "%s",
             mountinfo ? mountinfo : "/proc/self/mountinfo");
    snprintf(self_cgroup_file, sizeof(self_cgroup_file), "%s",
             self_cgroup ? self_cgroup : "/proc/self/cgroup");
}

/* ---------- small file helpers --------------------------------------------------------------- */

static int join(char *out, size_t len, const char *dir, const char *file)
{
    int n = snprintf(out, len, "%s/%s", dir, file);
    if (n < 0 || (size_t)n >= len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

/* DIR += "/" PART, in place. */
static int descend(char *dir, size_t len, const char *part)
{
    size_t used = strlen(dir);
    int n = snprintf(dir + used, len - used, "/%s", part);
    if (n < 0 || (size_t)n >= len - used) {
        dir[used] = '\0';
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

/* Write TEXT to DIR/FILE in one write(2): cgroup files take one value per write.  APPEND is
 * for cgroup.procs (each write adds one process).  A fake tree's files are plain files, so
 * there they may be created. */
static int write_file(const char *dir, const char *file, const char *text, bool append)
{
    char path[PATH_MAX];
    if (join(path, sizeof(path), dir, file) < 0)
        return -1;
    int flags = O_WRONLY | O_CLOEXEC | (append ? O_APPEND : O_TRUNC) | (faking ? O_CREAT : 0);
    int fd = open(path, flags, 0644);
    if (fd < 0)
        return -1;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int saved = errno;
    close(fd);
    if (n == (ssize_t)len)
        return 0;
    errno = n < 0 ? saved : EIO;
    return -1;
}

/* Read DIR/FILE (up to LEN-1 bytes) into BUF.  -1 with errno. */
static int read_file(const char *dir, const char *file, char *buf, size_t len)
{
    char path[PATH_MAX];
    if (join(path, sizeof(path), dir, file) < 0)
        return -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t used = 0;
    ssize_t n;
    while (used < len - 1 && (n = read(fd, buf + used, len - 1 - used)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int saved = errno;
            close(fd);
            errno = saved;
            return -1;
        }
        used += (size_t)n;
    }
    buf[used] = '\0';
    close(fd);
    return 0;
}

static bool file_exists(const char *dir, const char *file)
{
    char path[PATH_MAX];
    return join(path, sizeof(path), dir, file) == 0 && access(path, F_OK) == 0;
}

/* "KEY VALUE" lines (cpu.stat, memory.events, memory.oom_control): the value of KEY. */
static int read_keyed(const char *dir, const char *file, const char *key,
                      unsigned long long *value)
{
    char buf[4096];
    if (read_file(dir, file, buf, sizeof(buf)) < 0)
        return -1;
    size_t key_len = strlen(key);
    for (char *line = buf; line && *line;) {
        if (strncmp(line, key, key_len) == 0 && line[key_len] == ' ') {
            *value = strtoull(line + key_len + 1, NULL, 10);
            return 0;
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    errno = ENOENT;
    return -1;
}

/* Is WORD one of the words of LIST (separated by any of SEPS)? */
static bool has_word(const char *list, const char *word, const char *seps)
{
    size_t len = strlen(word);
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, seps);
        if (n == len && strncmp(p, word, len) == 0)
            return true;
        p += n;
        p += strspn(p, seps);
    }
    return false;
}

/* ---------- finding the hierarchies ---------------------------------------------------------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo (octal). */
static void unescape_octal(char *s)
{
    char *out = s;
    for (char *in = s; *in; in++) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '7' && in[2] >= '0' && in[2] <= '7' &&
            in[3] >= '0' && in[3] <= '7') {
            *out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
            in += 3;
        } else {
            *out++ = *in;
        }
    }
    *out = '\0';
}

struct location {
    int version;
    char mount[PATH_MAX]; /* the hierarchy's mount point, with the fake root prefixed */
    char self[PATH_MAX];  /* the caller's cgroup in it, relative to the mount: "" or "/a/b" */
};

/* The caller's path in the hierarchy whose /proc/self/cgroup line matches: for v1 the line
 * "N:ctrl1,ctrl2:/path" listing CONTROLLER, for v2 the line "0::/path". */
static int self_path(int version, const char *controller, char *out, size_t len)
{
    FILE *f = fopen(self_cgroup_file, "re");
    if (!f)
        return -1;
    char line[PATH_MAX + 256];
    int rc = -1;
    while (rc < 0 && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c1 = *c2 = '\0';
        bool match = version == 2 ? strcmp(line, "0") == 0 && c1[1] == '\0'
                                  : has_word(c1 + 1, controller, ",");
        if (match && (size_t)snprintf(out, len, "%s", c2 + 1) < len)
            rc = 0;
    }
    fclose(f);
    if (rc < 0)
        errno = ENOENT;
    return rc;
}

/* Fill LOC from one mountinfo line's ROOT and MOUNT POINT and the caller's PATH.  The mount may
 * show only a subtree of the hierarchy (ROOT), e.g. inside a container: the caller's directory
 * is MOUNT POINT + (PATH without ROOT). */
static int place(struct location *loc, int version, const char *root, const char *mnt,
                 const char *path)
{
    size_t root_len = strcmp(root, "/") == 0 ? 0 : strlen(root);
    if (strncmp(path, root, root_len) != 0 || (path[root_len] != '/' && path[root_len] != '\0'))
        return -1; /* this mount does not show our cgroup */
    const char *rel = path + root_len;
    if (strcmp(rel, "/") == 0)
        rel = "";
    loc->version = version;
    if ((size_t)snprintf(loc->mount, sizeof(loc->mount), "%s%s", fs_root, mnt) >=
            sizeof(loc->mount) ||
        (size_t)snprintf(loc->self, sizeof(loc->self), "%s", rel) >= sizeof(loc->self))
        return -1;
    return 0;
}

/* On v2 a runner may hand us an empty parent group to work in instead of our own (which holds
 * processes and so cannot give controllers to children): KIT_CGROUP_PARENT, a path in the v2
 * tree relative to its mount point (the grader sets it, see grader/lib/cgroup-scope.bash). */
static bool v2_parent_override(struct location *loc, const char *mnt)
{
    const char *parent = getenv("KIT_CGROUP_PARENT");
    if (!parent || parent[0] != '/' || strstr(parent, "/..") ||
        (size_t)snprintf(loc->mount, sizeof(loc->mount), "%s%s", fs_root, mnt) >=
            sizeof(loc->mount) ||
        (size_t)snprintf(loc->self, sizeof(loc->self), "%s", parent) >= sizeof(loc->self))
        return false;
    size_t len = strlen(loc->self);
    while (len > 0 && loc->self[len - 1] == '/')
        loc->self[--len] = '\0';
    loc->version = 2;
    return true;
}

/* Find the hierarchy holding CONTROLLER ("cpuacct" on v2 means the core cpu.stat, which every
 * v2 group has).  A v1 hierarchy wins over v2: in a hybrid layout the v2 mount may exist but
 * a controller bound to v1 is not usable there. */
static int locate(const char *controller, struct location *loc)
{
    FILE *f = fopen(mountinfo_file, "re");
    if (!f)
        return -1;
    char line[4 * PATH_MAX];
    bool found = false;
    for (int version = 1; version <= 2 && !found; version++) {
        rewind(f);
        while (!found && fgets(line, sizeof(line), f)) {
            /* id parent maj:min ROOT MOUNTPOINT opts [optional...] - FSTYPE source SUPEROPTS */
            char *field[8] = {0}, *save = NULL, *tok;
            int n = 0;
            bool after_dash = false;
            char *fstype = NULL, *superopts = NULL;
            int after = 0;
            for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
                if (after_dash) {
                    if (after == 0)
                        fstype = tok;
                    else if (after == 2)
                        superopts = tok;
                    after++;
                } else if (strcmp(tok, "-") == 0) {
                    after_dash = true;
                } else if (n < 8) {
                    field[n++] = tok;
                }
            }
            if (n < 5 || !fstype || !superopts)
                continue;
            char path[PATH_MAX];
            if (version == 1) {
                if (strcmp(fstype, "cgroup") != 0 || !has_word(superopts, controller, ","))
                    continue;
            } else if (strcmp(fstype, "cgroup2") != 0) {
                continue;
            }
            if (self_path(version, controller, path, sizeof(path)) < 0)
                continue;
            unescape_octal(field[3]);
            unescape_octal(field[4]);
            if (!(version == 2 && v2_parent_override(loc, field[4])) &&
                place(loc, version, field[3], field[4], path) < 0)
                continue;
            if (version == 2 && strcmp(controller, "cpuacct") != 0) {
                /* Available on v2 only if the hierarchy's top lists it (not bound to v1). */
                char list[512];
                if (read_file(loc->mount, "cgroup.controllers", list, sizeof(list)) < 0 ||
                    !has_word(list, controller, " \n"))
                    continue;
            }
            found = true;
        }
    }
    fclose(f);
    if (!found)
        errno = ENOENT;
    return found ? 0 : -1;
}

enum kit_cgroup_version kit_cgroup_detect(void)
{
    static const char *const wanted[] = {"cpu", "memory", "pids"};
    enum kit_cgroup_version result = KIT_CGROUP_NONE;
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        struct location loc;
        if (locate(wanted[i], &loc) < 0)
            continue;
        if (loc.version == 1)
            return KIT_CGROUP_V1; /* any v1 controller: v1 or hybrid */
        result = KIT_CGROUP_V2;
    }
    return result;
}

static void sleep_ms(long ms);

/* ---------- creating ----------------------------------------------------------------------- */

/* One or more plain components: no empty name, no "/abs", no "." or "..", no "a//b". */
static bool valid_name(const char *name)
{
    if (!name || !*name || name[0] == '/' || strlen(name) >= NAME_MAX * 4)
        return false;
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 0 || n > NAME_MAX || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.'))
            return false;
        p += n;
        if (*p == '/' && *++p == '\0')
            return false; /* trailing slash */
    }
    return true;
}

static int remember_made(struct kit_cgroup *cg, const char *dir)
{
    char **grown = realloc(cg->made, (cg->n_made + 1) * sizeof(*grown));
    if (!grown)
        return -1;
    cg->made = grown;
    if (!(cg->made[cg->n_made] = strdup(dir)))
        return -1;
    cg->n_made++;
    return 0;
}

/* mkdir DIR, reusing it if it is there.  IS_PARENT: record it so destroy can remove it. */
static int make_dir(struct kit_cgroup *cg, const char *dir, bool is_parent)
{
    if (mkdir(dir, 0755) == 0)
        return is_parent ? remember_made(cg, dir) : 0;
    if (errno == EEXIST)
        return 0;
    return kit_fail_errno("create cgroup %s", dir);
}

static int list_pids(const char *dir, pid_t *pids, size_t max, size_t *count)
{
    char buf[65536];
    if (read_file(dir, "cgroup.procs", buf, sizeof(buf)) < 0)
        return -1;
    *count = 0;
    for (char *p = buf; *p && *count < max;) {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        pids[(*count)++] = (pid_t)pid;
        p = end + strspn(end, "\n ");
    }
    return 0;
}

/* Move every process of FROM into TO.  Repeats while new ones show up (a process may fork
 * while we move it), and stops when a pass finds nothing it has not moved already. */
static int move_all(const char *from, const char *to)
{
    enum { MAX_PIDS = 4096 };
    pid_t *seen = malloc(MAX_PIDS * sizeof(*seen)), *now = malloc(MAX_PIDS * sizeof(*now));
    size_t n_seen = 0, n_now;
    int rc = 0;
    if (!seen || !now) {
        rc = -1;
        goto out;
    }
    for (int pass = 0; pass < 100; pass++) {
        if (list_pids(from, now, MAX_PIDS, &n_now) < 0) {
            rc = -1;
            break;
        }
        bool moved_new = false;
        for (size_t i = 0; i < n_now; i++) {
            bool old = false;
            for (size_t j = 0; j < n_seen && !old; j++)
                old = seen[j] == now[i];
            if (old)
                continue;
            char text[32];
            snprintf(text, sizeof(text), "%d\n", (int)now[i]);
            if (write_file(to, "cgroup.procs", text, true) < 0 && errno != ESRCH) {
                rc = kit_fail_errno("move process %d into %s", (int)now[i], to);
                goto out;
            }
            if (n_seen < MAX_PIDS)
                seen[n_seen++] = now[i];
            moved_new = true;
        }
        if (!moved_new)
            break;
    }
out:
    free(seen);
    free(now);
    return rc;
}

/* cgroup v2: make the controllers in WANT usable in DIR's children by writing "+cpu" etc. to
 * DIR/cgroup.subtree_control.  The kernel's rules a student meets here:
 *   - a controller can be enabled only if DIR itself has it (DIR/cgroup.controllers), which
 *     is why this is done from the top of the hierarchy down;
 *   - without "cpu" in the parent's subtree_control the child simply has no cpu.max file:
 *     `echo "50000 100000" > cpu.max` fails with "No such file or directory" (or
 *     "Permission denied" from a shell redirect creating a file), nothing is limited;
 *   - "no internal processes": a non-root group that holds processes cannot enable
 *     controllers for its children (EBUSY, "Device or resource busy").  The caller's own group
 *     holds at least the caller, so its processes are first moved into a leaf child,
 *     V2_LEAF_NAME - still below the caller's group, as systemd asks of delegated subtrees.
 * IS_CALLER: DIR is the caller's own group (the only one whose processes we may move). */
static int enable_controllers(const char *dir, const char *const *want, size_t n_want,
                              bool is_caller)
{
    char available[512] = "", enabled[512] = "";
    if (read_file(dir, "cgroup.controllers", available, sizeof(available)) < 0)
        return kit_fail_errno("read %s/cgroup.controllers", dir);
    if (read_file(dir, "cgroup.subtree_control", enabled, sizeof(enabled)) < 0)
        return kit_fail_errno("read %s/cgroup.subtree_control", dir);
    char missing[128] = "";
    for (size_t i = 0; i < n_want; i++)
        if (has_word(available, want[i], " \n") && !has_word(enabled, want[i], " \n"))
            snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), "%s+%s",
                     *missing ? " " : "", want[i]);
    if (!*missing)
        return 0;
    /* The real root cgroup has no cgroup.type and may hold processes; any other group must
     * be empty before it can hand controllers to children. */
    pid_t pid;
    size_t count = 0;
    if (file_exists(dir, "cgroup.type") && list_pids(dir, &pid, 1, &count) == 0 && count > 0) {
        if (!is_caller)
            return kit_fail("cannot enable %s in %s: it holds processes and is not ours to "
                            "rearrange (cgroup v2 \"no internal processes\" rule)",
                            missing, dir);
        char leaf[PATH_MAX];
        if (join(leaf, sizeof(leaf), dir, V2_LEAF_NAME) < 0 ||
            (mkdir(leaf, 0755) < 0 && errno != EEXIST))
            return kit_fail_errno("create %s/%s", dir, V2_LEAF_NAME);
        if (move_all(dir, leaf) < 0)
            return -1;
    }
    if (write_file(dir, "cgroup.subtree_control", missing, false) < 0)
        return kit_fail_errno("enable %s in %s/cgroup.subtree_control%s", missing, dir,
                              errno == EBUSY ? " (the group holds processes)" : "");
    return 0;
}

/* mkdir -p of NAME's components below DIR, leaving DIR at the last one (the leaf).  On v2
 * (WANT given) each parent on the way enables WANT for its children. */
static int make_name_below(struct kit_cgroup *cg, char *dir, size_t dir_len, const char *name,
                           const char *const *want, size_t n_want)
{
    char parts[PATH_MAX];
    snprintf(parts, sizeof(parts), "%s", name);
    char *save = NULL;
    char *part = strtok_r(parts, "/", &save);
    while (part) {
        char *next = strtok_r(NULL, "/", &save);
        if (descend(dir, dir_len, part) < 0)
            return kit_fail_errno("cgroup path %s/%s", dir, part);
        if (make_dir(cg, dir, next != NULL) < 0)
            return -1;
        if (next && want && enable_controllers(dir, want, n_want, false) < 0)
            return -1;
        part = next;
    }
    return 0;
}

/* Enable WANT from the top of the v2 hierarchy down to LOC's group (the caller's own, or the
 * runner's KIT_CGROUP_PARENT), leaving that group's path in DIR.  Controllers enabled above
 * it stay enabled afterwards: other groups may have come to rely on them. */
static int v2_enable_down_to(const struct location *loc, const char *const *want,
                             size_t n_want, char *dir, size_t dir_len)
{
    snprintf(dir, dir_len, "%s", loc->mount);
    char rel[PATH_MAX];
    snprintf(rel, sizeof(rel), "%s", loc->self);
    char *save = NULL;
    for (char *part = strtok_r(rel, "/", &save);; part = strtok_r(NULL, "/", &save)) {
        bool is_caller = part == NULL;
        if (enable_controllers(dir, want, n_want, is_caller) < 0)
            return -1;
        if (is_caller)
            return 0;
        if (descend(dir, dir_len, part) < 0)
            return kit_fail_errno("cgroup path %s/%s", dir, part);
    }
}

/* Under systemd (and no runner's KIT_CGROUP_PARENT) the v2 parent is the kit's delegated
 * scope (cgroup_systemd.c), never a group of systemd's: the student's shell stays where it is. */
static bool use_systemd_scope(void)
{
    return !faking && !getenv("KIT_CGROUP_PARENT") && kit_systemd_running();
}

/* Remove the leaves "run-PID" of kit programs that have ended (rmdir of a group that still
 * holds a process fails with EBUSY, and such a group stays). */
static void prune_run_leaves(const char *unit_dir)
{
    DIR *d = opendir(unit_dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_type == DT_DIR && strncmp(e->d_name, "run-", 4) == 0)
            unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
    closedir(d);
}

/* The kit's scope as the parent: join it, step out of its top into our leaf run-PID, and
 * enable WANT there once its top holds no process (another kit program may be passing
 * through it on its way to its own leaf: wait for it). */
static int v2_systemd_parent(const struct location *loc, const char *const *want,
                             size_t n_want, char *dir, size_t dir_len)
{
    char unit[PATH_MAX], leaf[PATH_MAX], pid_text[32];
    if (kit_systemd_join_scope(loc->mount, unit, sizeof(unit)) < 0)
        return -1;
    if ((size_t)snprintf(dir, dir_len, "%s%s", loc->mount, unit) >= dir_len)
        return kit_fail("cgroup path too long: %s%s", loc->mount, unit);
    prune_run_leaves(dir);
    snprintf(pid_text, sizeof(pid_text), "%d\n", (int)getpid());
    if ((size_t)snprintf(leaf, sizeof(leaf), "%s/run-%d", dir, (int)getpid()) >= sizeof(leaf))
        return kit_fail("cgroup path too long: %s/run-%d", dir, (int)getpid());
    /* Another program's prune may remove our leaf while it is still empty: make it again. */
    int moved = -1;
    for (int attempt = 0; attempt < 3 && moved < 0; attempt++)
        if (mkdir(leaf, 0755) == 0 || errno == EEXIST)
            moved = write_file(leaf, "cgroup.procs", pid_text, true);
    if (moved < 0)
        return kit_fail_errno("move this program into %s", leaf);
    for (long waited = 0; waited < REMOVE_TIMEOUT_MS; waited += 10) {
        pid_t pid;
        size_t count = 0;
        if (list_pids(dir, &pid, 1, &count) == 0 && count == 0)
            break;
        sleep_ms(10);
    }
    return enable_controllers(dir, want, n_want, false);
}

/* The v2 part of create: the parent's controllers (v2_enable_down_to, or the kit's systemd
 * scope), then NAME's components: parents get the controllers too, the last one is the leaf. */
static int create_v2(struct kit_cgroup *cg, const struct location *loc, const char *name,
                     const char *const *want, size_t n_want, char *leaf, size_t leaf_len)
{
    char dir[PATH_MAX];
    if (use_systemd_scope()) {
        if (v2_systemd_parent(loc, want, n_want, dir, sizeof(dir)) < 0)
            return -1;
    } else {
        if (v2_enable_down_to(loc, want, n_want, dir, sizeof(dir)) < 0)
            return -1;
        if (!(cg->v2_caller_dir = strdup(dir)))
            return -1;
    }
    if (make_name_below(cg, dir, sizeof(dir), name, want, n_want) < 0)
        return -1;
    snprintf(leaf, leaf_len, "%s", dir);
    return 0;
}

/* The v1 part of create for one hierarchy: mkdir -p of NAME below the caller's group. */
static int create_v1(struct kit_cgroup *cg, const struct location *loc, const char *name,
                     char *leaf, size_t leaf_len)
{
    char dir[PATH_MAX];
    if ((size_t)snprintf(dir, sizeof(dir), "%s%s", loc->mount, loc->self) >= sizeof(dir))
        return kit_fail("cgroup path too long: %s%s", loc->mount, loc->self);
    if (make_name_below(cg, dir, sizeof(dir), name, NULL, 0) < 0)
        return -1;
    snprintf(leaf, leaf_len, "%s", dir);
    return 0;
}

struct kit_cgroup *kit_cgroup_create(const char *name)
{
    if (!valid_name(name)) {
        kit_fail("cgroup name '%s' refused: want plain path components (no '..', '.', "
                 "leading '/' or empty parts)", name ? name : "(null)");
        errno = EINVAL;
        return NULL;
    }
    struct kit_cgroup *cg = calloc(1, sizeof(*cg));
    if (!cg)
        return NULL;
    struct location loc[N_SLOTS];
    bool have[N_SLOTS] = {false};
    const char *v2_want[N_SLOTS];
    size_t n_v2_want = 0;
    int v2_slot = -1;
    for (int s = 0; s < N_SLOTS; s++) {
        have[s] = locate(slot_name[s], &loc[s]) == 0;
        if (have[s] && loc[s].version == 2) {
            v2_slot = s;
            if (s != SLOT_CPUACCT)
                v2_want[n_v2_want++] = slot_name[s];
        }
    }
    if (!have[SLOT_CPU] && !have[SLOT_MEMORY] && !have[SLOT_PIDS]) {
        kit_fail("no cgroup hierarchy with cpu, memory or pids found (see %s)", mountinfo_file);
        kit_cgroup_free(cg);
        errno = ENOENT;
        return NULL;
    }
    /* cpu.stat alone is no reason to make a v2 group next to a v1 layout. */
    if (n_v2_want == 0 && v2_slot == SLOT_CPUACCT && (have[SLOT_CPU] || have[SLOT_MEMORY] ||
                                                      have[SLOT_PIDS])) {
        have[SLOT_CPUACCT] = false;
        v2_slot = -1;
    }

    char leaf[PATH_MAX];
    if (v2_slot >= 0) {
        if (create_v2(cg, &loc[v2_slot], name, v2_want, n_v2_want, leaf, sizeof(leaf)) < 0)
            goto fail;
        for (int s = 0; s < N_SLOTS; s++)
            if (have[s] && loc[s].version == 2) {
                cg->version[s] = 2;
                if (!(cg->dir[s] = strdup(leaf)))
                    goto fail;
            }
    }
    for (int s = 0; s < N_SLOTS; s++) {
        if (!have[s] || loc[s].version != 1)
            continue;
        /* Co-mounted controllers (cpu,cpuacct) share one hierarchy and so one directory. */
        for (int t = 0; t < s && !cg->dir[s]; t++)
            if (have[t] && loc[t].version == 1 && strcmp(loc[t].mount, loc[s].mount) == 0 &&
                cg->dir[t] && !(cg->dir[s] = strdup(cg->dir[t])))
                goto fail;
        if (!cg->dir[s]) {
            if (create_v1(cg, &loc[s], name, leaf, sizeof(leaf)) < 0 ||
                !(cg->dir[s] = strdup(leaf)))
                goto fail;
        }
        cg->version[s] = 1;
    }
    return cg;
fail:;
    int saved = errno;
    kit_cgroup_destroy(cg);
    errno = saved;
    return NULL;
}

int kit_cgroup_parent_dir(const char *controller, char *out, size_t len)
{
    static const char *const all[] = {"cpu", "memory", "pids"};
    struct location loc;
    if (!controller || (strcmp(controller, "cpu") != 0 && strcmp(controller, "memory") != 0 &&
                        strcmp(controller, "pids") != 0)) {
        errno = EINVAL;
        return kit_fail("cgroup controller '%s' unknown: want cpu, memory or pids",
                        controller ? controller : "(null)");
    }
    if (locate(controller, &loc) < 0)
        return kit_fail("no cgroup hierarchy with the %s controller found (see %s)",
                        controller, mountinfo_file);
    char dir[PATH_MAX];
    if (loc.version == 1) {
        if ((size_t)snprintf(dir, sizeof(dir), "%s%s", loc.mount, loc.self) >= sizeof(dir))
            return kit_fail("cgroup path too long: %s%s", loc.mount, loc.self);
    } else {
        /* v2: one parent for all three, so every controller the kernel has on v2. */
        const char *want[3];
        size_t n_want = 0;
        struct location other;
        for (size_t i = 0; i < 3; i++)
            if (locate(all[i], &other) == 0 && other.version == 2)
                want[n_want++] = all[i];
        int rc = use_systemd_scope()
                     ? v2_systemd_parent(&loc, want, n_want, dir, sizeof(dir))
                     : v2_enable_down_to(&loc, want, n_want, dir, sizeof(dir));
        if (rc < 0)
            return -1;
    }
    if ((size_t)snprintf(out, len, "%s", dir) >= len) {
        errno = ENAMETOOLONG;
        return kit_fail("cgroup path too long for the caller's buffer: %s", dir);
    }
    return 0;
}

/* ---------- limits ------------------------------------------------------------------------- */

static const char *need(struct kit_cgroup *cg, enum slot s)
{
    if (!cg->dir[s]) {
        kit_fail("no %s controller available for this cgroup", slot_name[s]);
        errno = ENOENT;
    }
    return cg->dir[s];
}

static int set_value(const char *dir, const char *file, const char *text)
{
    if (write_file(dir, file, text, false) < 0)
        return kit_fail_errno("write '%s' to %s/%s", text, dir, file);
    return 0;
}

int kit_cgroup_set_cpu(struct kit_cgroup *cg, long quota_us, long period_us)
{
    const char *dir = need(cg, SLOT_CPU);
    if (!dir)
        return -1;
    if (period_us <= 0) {
        errno = EINVAL;
        return kit_fail("cpu period must be positive, not %ld", period_us);
    }
    char quota[32], period[32], both[64];
    snprintf(period, sizeof(period), "%ld", period_us);
    if (quota_us < 0)
        snprintf(quota, sizeof(quota), cg->version[SLOT_CPU] == 2 ? "max" : "-1");
    else
        snprintf(quota, sizeof(quota), "%ld", quota_us);
    if (cg->version[SLOT_CPU] == 2) {
        /* v2: one file, "QUOTA PERIOD" (or "max PERIOD"). */
        snprintf(both, sizeof(both), "%s %s", quota, period);
        return set_value(dir, "cpu.max", both);
    }
    /* v1: two files in the cpu hierarchy (CFS bandwidth control); -1 is "no limit". */
    if (set_value(dir, "cpu.cfs_period_us", period) < 0)
        return -1;
    return set_value(dir, "cpu.cfs_quota_us", quota);
}

int kit_cgroup_set_memory(struct kit_cgroup *cg, long long bytes)
{
    const char *dir = need(cg, SLOT_MEMORY);
    if (!dir)
        return -1;
    char value[32];
    if (cg->version[SLOT_MEMORY] == 2) {
        /* v2: memory.max; swap is a separate budget, memory.swap.max, so 0 keeps the total
         * at BYTES (only there when the kernel has swap accounting). */
        snprintf(value, sizeof(value), bytes < 0 ? "max" : "%lld", bytes);
        if (set_value(dir, "memory.max", value) < 0)
            return -1;
        if (file_exists(dir, "memory.swap.max"))
            return set_value(dir, "memory.swap.max", bytes < 0 ? "max" : "0");
        return 0;
    }
    /* v1: memory.memsw.limit_in_bytes is memory + swap and may never be below
     * memory.limit_in_bytes, so the order of the two writes depends on the direction: when
     * the first write is refused (EINVAL), raise memsw first. */
    snprintf(value, sizeof(value), "%lld", bytes < 0 ? -1LL : bytes);
    bool memsw = file_exists(dir, "memory.memsw.limit_in_bytes");
    if (write_file(dir, "memory.limit_in_bytes", value, false) == 0)
        return memsw ? set_value(dir, "memory.memsw.limit_in_bytes", value) : 0;
    if (errno != EINVAL || !memsw)
        return kit_fail_errno("write '%s' to %s/memory.limit_in_bytes", value, dir);
    if (set_value(dir, "memory.memsw.limit_in_bytes", value) < 0)
        return -1;
    return set_value(dir, "memory.limit_in_bytes", value);
}

int kit_cgroup_set_pids(struct kit_cgroup *cg, long max)
{
    const char *dir = need(cg, SLOT_PIDS);
    if (!dir)
        return -1;
    char value[32];
    snprintf(value, sizeof(value), max < 0 ? "max" : "%ld", max);
    return set_value(dir, "pids.max", value);
}

/* Calls FN once per distinct group directory (co-mounted v1 controllers and v2 share one). */
static int for_each_dir(struct kit_cgroup *cg, int (*fn)(const char *dir, void *arg), void *arg)
{
    int rc = 0;
    for (int s = 0; s < N_SLOTS; s++) {
        if (!cg->dir[s])
            continue;
        bool seen = false;
        for (int t = 0; t < s && !seen; t++)
            seen = cg->dir[t] && strcmp(cg->dir[t], cg->dir[s]) == 0;
        if (!seen && fn(cg->dir[s], arg) < 0)
            rc = -1;
    }
    return rc;
}

static int add_to_dir(const char *dir, void *arg)
{
    char text[32];
    snprintf(text, sizeof(text), "%d\n", *(pid_t *)arg);
    /* cgroup.procs moves the whole process (all its threads); v1's "tasks" moves one thread. */
    if (write_file(dir, "cgroup.procs", text, true) < 0)
        return kit_fail_errno("add process %d to %s", *(pid_t *)arg, dir);
    return 0;
}

int kit_cgroup_add(struct kit_cgroup *cg, pid_t pid)
{
    return for_each_dir(cg, add_to_dir, &pid);
}

int kit_cgroup_cpu_usage_us(struct kit_cgroup *cg, unsigned long long *usec)
{
    const char *dir = need(cg, SLOT_CPUACCT);
    if (!dir)
        return -1;
    if (cg->version[SLOT_CPUACCT] == 2)
        return read_keyed(dir, "cpu.stat", "usage_usec", usec);
    /* v1: cpuacct.usage is in nanoseconds. */
    char buf[64];
    if (read_file(dir, "cpuacct.usage", buf, sizeof(buf)) < 0)
        return -1;
    *usec = strtoull(buf, NULL, 10) / 1000;
    return 0;
}

int kit_cgroup_oom_kills(struct kit_cgroup *cg, unsigned long long *count)
{
    *count = 0;
    const char *dir = cg->dir[SLOT_MEMORY];
    if (!dir)
        return 0;
    const char *file = cg->version[SLOT_MEMORY] == 2 ? "memory.events" : "memory.oom_control";
    if (read_keyed(dir, file, "oom_kill", count) < 0)
        *count = 0; /* older kernels do not count */
    return 0;
}

const char *kit_cgroup_path(struct kit_cgroup *cg, const char *controller)
{
    for (int s = 0; s < N_SLOTS; s++)
        if (strcmp(controller, slot_name[s]) == 0)
            return cg->dir[s];
    return NULL;
}

/* ---------- removing ----------------------------------------------------------------------- */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* A fake tree's interface files are plain files that rmdir would trip over; the kernel removes
 * a real group's files with it. */
static void unlink_fake_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_type == DT_REG)
            unlinkat(dirfd(d), e->d_name, 0);
    closedir(d);
}

/* Is the group empty?  v2 says so in cgroup.events ("populated 0", counting descendants);
 * v1 has no such file, so look at cgroup.procs. */
static bool group_empty(const char *dir)
{
    unsigned long long populated;
    if (read_keyed(dir, "cgroup.events", "populated", &populated) == 0)
        return populated == 0;
    pid_t pid;
    size_t count = 0;
    return list_pids(dir, &pid, 1, &count) == 0 && count == 0;
}

/* SIGKILL every process in DIR (never ourselves).  v2 since Linux 5.14 does it in one step,
 * race-free against forks: writing 1 to cgroup.kill. */
static void kill_members(const char *dir)
{
    enum { MAX_PIDS = 4096 };
    pid_t *pids = malloc(MAX_PIDS * sizeof(*pids));
    size_t count = 0;
    if (!pids || list_pids(dir, pids, MAX_PIDS, &count) < 0) {
        free(pids);
        return;
    }
    bool self_inside = false;
    for (size_t i = 0; i < count; i++)
        self_inside |= pids[i] == getpid();
    if (count > 0 && !self_inside && file_exists(dir, "cgroup.kill") &&
        write_file(dir, "cgroup.kill", "1", false) == 0) {
        free(pids);
        return;
    }
    for (size_t i = 0; i < count; i++)
        if (pids[i] > 0 && pids[i] != getpid())
            kill(pids[i], SIGKILL);
    free(pids);
}

/* Remove group DIR and every group below it: kill, wait until empty, rmdir (which says EBUSY
 * while killed tasks are still exiting), all within REMOVE_TIMEOUT_MS. */
static int remove_group(const char *dir, void *unused)
{
    (void)unused;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : kit_fail_errno("open %s", dir);
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        char sub[PATH_MAX];
        if (e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            join(sub, sizeof(sub), dir, e->d_name) == 0 && remove_group(sub, NULL) < 0)
            rc = -1;
    }
    closedir(d);
    if (rc < 0)
        return -1;
    for (long waited = 0;; waited += 10) {
        if (!faking)
            kill_members(dir);
        else
            unlink_fake_files(dir);
        if (faking || group_empty(dir)) {
            if (rmdir(dir) == 0 || errno == ENOENT)
                return 0;
            if (errno != EBUSY)
                return kit_fail_errno("remove cgroup %s", dir);
        }
        if (waited >= REMOVE_TIMEOUT_MS)
            return kit_fail("remove cgroup %s: still busy after %d ms (is the caller inside it?)",
                            dir, REMOVE_TIMEOUT_MS);
        sleep_ms(10);
    }
}

/* Undo enable_controllers()'s evacuation when the caller's group has no other child left:
 * give back the controllers, move the processes home, remove the leaf.  Best effort; another
 * kit run may be using the caller's group at the same time, then it is left as is. */
static int restore_caller_group(const char *caller)
{
    char leaf[PATH_MAX];
    if (join(leaf, sizeof(leaf), caller, V2_LEAF_NAME) < 0 || access(leaf, F_OK) < 0)
        return 0;
    DIR *d = opendir(caller);
    if (!d)
        return 0;
    struct dirent *e;
    bool others = false;
    while ((e = readdir(d)))
        if (e->d_type == DT_DIR && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
            strcmp(e->d_name, V2_LEAF_NAME) != 0)
            others = true;
    closedir(d);
    if (others)
        return 0;
    /* A group that holds processes had nothing enabled before the evacuation (the kernel
     * forbids it), so disabling everything restores it. */
    char enabled[512], minus[512] = "";
    if (read_file(caller, "cgroup.subtree_control", enabled, sizeof(enabled)) < 0)
        return 0;
    for (char *save = NULL, *w = strtok_r(enabled, " \n", &save); w;
         w = strtok_r(NULL, " \n", &save))
        snprintf(minus + strlen(minus), sizeof(minus) - strlen(minus), "%s-%s",
                 *minus ? " " : "", w + (*w == '+')); /* a fake tree keeps what was written */
    if (*minus && write_file(caller, "cgroup.subtree_control", minus, false) < 0)
        return kit_fail_errno("give back %s in %s/cgroup.subtree_control", minus, caller);
    if (move_all(leaf, caller) < 0)
        return -1;
    return remove_group(leaf, NULL);
}

int kit_cgroup_destroy(struct kit_cgroup *cg)
{
    if (!cg)
        return 0;
    int rc = for_each_dir(cg, remove_group, NULL);
    for (size_t i = cg->n_made; i-- > 0;) {
        if (faking)
            unlink_fake_files(cg->made[i]);
        if (rmdir(cg->made[i]) < 0 && errno != ENOENT && errno != ENOTEMPTY && errno != EBUSY)
            rc = kit_fail_errno("remove cgroup %s", cg->made[i]);
    }
    if (cg->v2_caller_dir && restore_caller_group(cg->v2_caller_dir) < 0)
        rc = -1;
    kit_cgroup_free(cg);
    return rc;
}

void kit_cgroup_free(struct kit_cgroup *cg)
{
    if (!cg)
        return;
    for (int s = 0; s < N_SLOTS; s++)
        free(cg->dir[s]);
    for (size_t i = 0; i < cg->n_made; i++)
        free(cg->made[i]);
    free(cg->made);
    free(cg->v2_caller_dir);
    free(cg);
}
