/* diff.c - `conductor diff NAME`: what a container changed in its image, as `docker diff`
 * shows it: one line per path, "A /path" added, "C /path" changed, "D /path" deleted.
 *
 * Everything a container writes is in its upper dir (containers/NAME/upper), the one layer of
 * its own; overlayfs records there (Documentation/filesystems/overlayfs.rst):
 *   - a new file or directory, and a changed one, copied up whole from the image on its first
 *     change (with its parent directories, which keep the image's mode, owner and times);
 *   - a deleted image entry as a "whiteout" of the same name;
 *   - a directory that replaced one of the image's (rm -rf DIR; mkdir DIR) as an "opaque"
 *     directory: nothing of the image's DIR shows through it.
 * So: an upper entry the image also has is C (a directory only if its mode, owner or mtime
 * differ: a directory copied up just to hold a changed entry is not listed, as in Docker), one
 * it has not is A, a whiteout is D; below a replaced directory, each entry the image had there
 * and the container did not make again is D too.  The image's layers are read the same way:
 * a whiteout or an opaque directory in a higher layer hides what lower layers hold.
 * Lines are sorted by path, bytewise (as Docker's); a name's control characters, backslashes
 * and non-ASCII bytes are shown as \xNN (printable()).  The container may be running or not. */
#include "conductor.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "kit/err.h"

struct changes {
    char **lines; /* "A /path", malloc'd */
    int count;
};

struct diff_walk {
    const struct image *img; /* the container's copy of its image record */
    char layers[PATH_MAX];   /* cache/layers */
    char upper[PATH_MAX];    /* containers/NAME/upper */
    struct changes *found;
};

static bool is_whiteout(const struct stat *st);
static bool is_opaque(const char *path);
static char upper_change(const struct diff_walk *w, const char *rel, const struct stat *st,
                         bool *replaces);

/* REL ("etc/passwd") in layer I alone. */
enum presence {
    ABSENT,  /* the layer has nothing there: look at the layers below */
    PRESENT, /* *ST is its lstat */
    GONE,    /* deleted here (a whiteout of it, or of a directory above it), or below a file */
};
/* *HIDES: an opaque directory at or above REL in this layer: the layers below show nothing of
 * REL.  Each component is lstat'ed in turn, so no symlink of the layer is ever followed. */
static enum presence in_layer(const struct diff_walk *w, int i, const char *rel,
                              struct stat *st, bool *hides)
{
    char path[PATH_MAX];
    size_t n = (size_t)snprintf(path, sizeof(path), "%s/%s", w->layers, w->img->layers[i]);
    *hides = false;
    for (const char *part = rel;;) {
        size_t len = strcspn(part, "/");
        if (n + 1 + len >= sizeof(path))
            return ABSENT;
        n += (size_t)snprintf(path + n, sizeof(path) - n, "/%.*s", (int)len, part);
        if (lstat(path, st) < 0)
            return ABSENT;
        if (is_whiteout(st))
            return GONE;
        if (S_ISDIR(st->st_mode) && is_opaque(path))
            *hides = true;
        if (part[len] == '\0')
            return PRESENT;
        if (!S_ISDIR(st->st_mode))
            return GONE;
        part += len + 1;
    }
}

/* REL as the image shows it: 0 with *ST (the lstat of its topmost layer's entry), or -1 if the
 * image has no REL. */
static int image_lookup(const struct diff_walk *w, const char *rel, struct stat *st)
{
    for (int i = w->img->nlayers - 1; i >= 0; i--) {
        bool hides;
        enum presence p = in_layer(w, i, rel, st, &hides);
        if (p == PRESENT)
            return 0;
        if (p == GONE || hides)
            return -1;
    }
    return -1;
}

/* 0, or -1 after a message. */
static int add_change(const struct diff_walk *w, char kind, const char *rel)
{
    static char shown[4 * PATH_MAX + 1];
    struct changes *found = w->found;
    char **more = realloc(found->lines, (size_t)(found->count + 1) * sizeof(char *));
    if (!more)
        return kit_fail("out of memory");
    found->lines = more;
    if (asprintf(&found->lines[found->count], "%c /%s", kind,
                 printable(rel, shown, sizeof(shown))) < 0)
        return kit_fail("out of memory");
    found->count++;
    return 0;
}

/* Bytewise by the path after "K ". */
static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a + 2, *(char *const *)b + 2);
}

static int not_dots(const struct dirent *e)
{
    return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
}

/* A name of an image directory, in its topmost layer: a whiteout there hides it (and the
 * same name in every layer below) from the image. */
struct layer_name {
    char *name;
    bool shown;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct layer_name *)a)->name, ((const struct layer_name *)b)->name);
}

/* Add the entries of layer I's directory REL that no higher layer named to *NAMES (*N). */
static void add_layer_names(const struct diff_walk *w, int i, const char *rel,
                            struct layer_name **names, int *n)
{
    char dir[PATH_MAX], path[2 * PATH_MAX];
    struct dirent **entries;
    snprintf(dir, sizeof(dir), "%s/%s/%s", w->layers, w->img->layers[i], rel);
    int count = scandir(dir, &entries, not_dots, alphasort);
    for (int j = 0; j < count; j++) {
        const char *name = entries[j]->d_name;
        bool known = false;
        for (int k = 0; k < *n && !known; k++)
            known = strcmp((*names)[k].name, name) == 0;
        struct layer_name *more = known ? NULL : realloc(*names, (size_t)(*n + 1) * sizeof(**names));
        if (more) {
            struct stat st;
            snprintf(path, sizeof(path), "%s/%s", dir, name);
            *names = more;
            (*names)[(*n)++] = (struct layer_name){strdup(name), lstat(path, &st) == 0 && !is_whiteout(&st)};
        }
        free(entries[j]);
    }
    if (count >= 0)
        free(entries);
}

/* REL is a directory that replaced the image's: "D" for every entry the image shows in REL
 * that is not among the upper dir's UPPER (N of them).  0, or -1 after a message. */
static int list_hidden(const struct diff_walk *w, const char *rel, struct dirent **upper, int n)
{
    struct layer_name *names = NULL;
    int count = 0;
    for (int i = w->img->nlayers - 1; i >= 0; i--) {
        struct stat st;
        bool hides;
        enum presence p = in_layer(w, i, rel, &st, &hides);
        if (p == GONE || (p == PRESENT && !S_ISDIR(st.st_mode)))
            break;
        if (p == PRESENT)
            add_layer_names(w, i, rel, &names, &count);
        if (hides)
            break;
    }
    if (count > 0)
        qsort(names, (size_t)count, sizeof(*names), by_name);
    char child[2 * PATH_MAX];
    int rc = 0;
    for (int k = 0; k < count; k++) {
        bool remade = false;
        for (int j = 0; j < n && !remade; j++)
            remade = strcmp(upper[j]->d_name, names[k].name) == 0;
        snprintf(child, sizeof(child), "%s/%s", rel, names[k].name);
        if (rc == 0 && names[k].shown && !remade)
            rc = add_change(w, 'D', child);
        free(names[k].name);
    }
    free(names);
    return rc;
}

/* Walk the upper directory DIRFD (REL below upper, "" at the top; it holds PATH_MAX bytes).
 * REPLACED: REL (or a directory above it) replaced the image's.  Closes DIRFD. */
static int walk(const struct diff_walk *w, int dirfd, char *rel, bool replaced)
{
    struct dirent **names;
    int n = scandirat(dirfd, ".", &names, not_dots, alphasort);
    if (n < 0) {
        close(dirfd);
        return kit_fail_errno("read %s/%s", w->upper, rel);
    }
    size_t len = strlen(rel);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        const char *name = names[i]->d_name;
        struct stat st;
        if (len + strlen(name) + 2 > PATH_MAX)
            rc = kit_fail("%s/%s/%s: path too long", w->upper, rel, name);
        else if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            rc = kit_fail_errno("%s/%s/%s", w->upper, rel, name);
        if (rc < 0)
            break;
        snprintf(rel + len, PATH_MAX - len, "%s%s", len ? "/" : "", name);
        bool replaces = false;
        char kind = upper_change(w, rel, &st, &replaces);
        if (kind)
            rc = add_change(w, kind, rel);
        if (rc == 0 && S_ISDIR(st.st_mode) && kind != 'D') {
            int sub = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            rc = sub < 0 ? kit_fail_errno("open %s/%s", w->upper, rel)
                         : walk(w, sub, rel, replaced || replaces);
        }
        rel[len] = '\0';
    }
    if (rc == 0 && replaced)
        rc = list_hidden(w, rel, names, n);
    for (int i = 0; i < n; i++)
        free(names[i]);
    free(names);
    close(dirfd);
    return rc;
}

/* >>> 3.i What the container did to one entry of its upper dir (conductor diff).  Three
 *     functions, called by the walk above (and by in_layer() for the image's layers):
 *     is_whiteout(st): is the entry whose lstat(2) is ST overlayfs's mark of a deletion?
 *     is_opaque(path): is the directory PATH opaque (it replaced the directory below)?
 *       Never follow a symlink: PATH may be one the container made.
 *     upper_change(w, rel, st, &replaces): the kind of change at REL ("etc/passwd": below
 *       w->upper, whose lstat is ST): 'D', 'A', 'C', or 0 for a directory that is as the
 *       image has it (same mode, owner and mtime: stat(3type)); *replaces = true for an
 *       opaque directory.  image_lookup(w, rel, &below) says what the image holds at REL.
 *     Read overlayfs.rst's "whiteouts and opaque directories" (which device numbers, which
 *     extended attribute and value), stat(2)'s st_rdev with major(3)/minor(3), and
 *     getxattr(2) (which of its three forms does not follow a symlink?).  Only root may read
 *     the "trusted." attributes (xattr(7)).
 *     Observe: conductor run IMG c -- sh -c 'rm /etc/passwd; rm -rf /srv; mkdir /srv';
 *     ls -l containers/c/upper/etc; getfattr -d -m - containers/c/upper/srv */
static bool is_whiteout(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
}

static bool is_opaque(const char *path)
{
    char value[2];
    ssize_t n = lgetxattr(path, "trusted.overlay.opaque", value, sizeof(value));
    return n == 1 && value[0] == 'y';
}

static char upper_change(const struct diff_walk *w, const char *rel, const struct stat *st,
                         bool *replaces)
{
    char path[PATH_MAX + sizeof(w->upper)];
    snprintf(path, sizeof(path), "%s/%s", w->upper, rel);
    *replaces = S_ISDIR(st->st_mode) && is_opaque(path);
    if (is_whiteout(st))
        return 'D';
    struct stat below;
    if (image_lookup(w, rel, &below) < 0)
        return 'A';
    /* Copied up only to hold a changed entry: the image's mode, owner and times. */
    if (S_ISDIR(st->st_mode) && !*replaces && st->st_mode == below.st_mode &&
        st->st_uid == below.st_uid && st->st_gid == below.st_gid &&
        st->st_mtim.tv_sec == below.st_mtim.tv_sec && st->st_mtim.tv_nsec == below.st_mtim.tv_nsec)
        return 0;
    return 'C';
}
/* <<< 3.i stub: static bool is_whiteout(const struct stat *st) { (void)st; return false; } static bool is_opaque(const char *path) { (void)path; return false; } static char upper_change(const struct diff_walk *w, const char *rel, const struct stat *st, bool *replaces) { (void)w; (void)rel; (void)st; (void)image_lookup; *replaces = false; return 0; } */

/* diff NAME: exit 0 with the list (empty if nothing changed), 1 if there is no such container,
 * 2 for bad usage. */
int cmd_diff(int argc, char **argv)
{
    if (argc != 2)
        return usage_error(argv[0]);
    const char *name = argv[1];
    if (!valid_name("container", name))
        return 2;
    struct container c;
    if (container_load(name, &c) < 0)
        return kit_fail("no such container: %s", name), 1;
    struct image img;
    struct changes found = {0};
    struct diff_walk w = {.img = &img, .found = &found};
    char path[PATH_MAX], rel[PATH_MAX] = "";
    snprintf(path, sizeof(path), "%s/image", c.dir);
    if (image_read(path, &img) < 0)
        return kit_fail_errno("%s", path), 1;
    state_path(w.layers, "cache/layers");
    snprintf(w.upper, sizeof(w.upper), "%s/upper", c.dir);
    int top = open(w.upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int rc = top < 0 ? kit_fail_errno("open %s", w.upper) : walk(&w, top, rel, false);
    if (found.count > 0)
        qsort(found.lines, (size_t)found.count, sizeof(char *), by_path);
    for (int i = 0; i < found.count; i++) {
        if (rc == 0)
            puts(found.lines[i]);
        free(found.lines[i]);
    }
    free(found.lines);
    image_free(&img);
    return rc < 0 ? 1 : 0;
}
