/* build.c - `conductor build IMAGE [CONDUCTORFILE]`: parse the file, then make one layer per
 * COPY/RUN step, reusing every layer that already exists.
 *
 * A layer's id is the hash of what decides its content: the parent layer's id, the
 * instruction, the ENV/WORKDIR it runs with and, for COPY, the names, modes and bytes of its
 * sources.  An unchanged step therefore finds its layer already under cache/layers/ID (a cache
 * hit, no work), and two images that share their first steps share those layers.  A new layer
 * is made in tmp/ and renamed into place only when its step succeeded: a failed or killed
 * build leaves no half layer and no image. */
#include "conductor.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kit/busybox.h"
#include "kit/err.h"
#include "kit/run.h"

#define MAX_INSTRUCTIONS 256

struct instruction {
    int line;
    char keyword[16]; /* upper case */
    char *args;       /* the rest of the line, trimmed */
};

struct conductorfile {
    const char *path;
    char context[PATH_MAX];
    int count;
    struct instruction ins[MAX_INSTRUCTIONS];
    char *text;
};

static const char *const keywords[] = {"FROM", "COPY", "RUN", "ENV", "WORKDIR", "CMD"};

/* Split ARGS into words at blanks (no quoting: COPY paths with spaces are not supported). */
static int split_words(char *args, char **words, int max)
{
    int n = 0;
    for (char *w = strtok(args, " \t"); w && n < max; w = strtok(NULL, " \t"))
        words[n++] = w;
    return n;
}

/* Read FILE: '#' comments, blank lines, a trailing '\' continues a line. */
static int parse_file(struct conductorfile *cf)
{
    cf->text = read_file(cf->path);
    if (!cf->text)
        return kit_fail_errno("%s", cf->path);
    char *p = cf->text;
    int lineno = 0;
    while (*p) {
        char *line = p;
        int first = ++lineno;
        /* Find the end of the logical line, joining continuations in place. */
        char *w = p;
        for (;;) {
            char *nl = strchr(p, '\n');
            char *end = nl ? nl : p + strlen(p);
            size_t len = (size_t)(end - p);
            memmove(w, p, len);
            w += len;
            p = nl ? nl + 1 : end;
            char *last = w;
            while (last > line && isspace((unsigned char)last[-1]))
                last--;
            if (last > line && last[-1] == '\\' && *p) {
                w = last - 1;
                *w++ = ' ';
                lineno++;
                continue;
            }
            break;
        }
        *w = '\0';
        while (isspace((unsigned char)*line))
            line++;
        char *end = line + strlen(line);
        while (end > line && isspace((unsigned char)end[-1]))
            *--end = '\0';
        if (*line == '\0' || *line == '#')
            continue;
        if (cf->count == MAX_INSTRUCTIONS)
            return kit_fail("%s:%d: more than %d instructions", cf->path, first, MAX_INSTRUCTIONS);
        struct instruction *in = &cf->ins[cf->count];
        size_t klen = strcspn(line, " \t");
        bool known = false;
        for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]) && !known; i++)
            known = strlen(keywords[i]) == klen && strncasecmp(line, keywords[i], klen) == 0;
        if (!known)
            return kit_fail("%s:%d: unknown instruction '%.*s'", cf->path, first, (int)klen, line);
        for (size_t i = 0; i < klen; i++)
            in->keyword[i] = (char)toupper((unsigned char)line[i]);
        in->keyword[klen] = '\0';
        in->args = line + klen;
        while (isspace((unsigned char)*in->args))
            in->args++;
        in->line = first;
        if (*in->args == '\0')
            return kit_fail("%s:%d: %s needs arguments", cf->path, first, in->keyword);
        if ((cf->count == 0) != (strcmp(in->keyword, "FROM") == 0))
            return kit_fail("%s:%d: %s", cf->path, first,
                            cf->count == 0 ? "the first instruction must be FROM"
                                           : "only one FROM is allowed");
        cf->count++;
    }
    if (cf->count == 0)
        return kit_fail("%s: no FROM instruction", cf->path);
    return 0;
}

/* ---- bases ---- */

/* Debootstrap DISTRO:SUITE once into cfg.bases/DISTRO-SUITE (made in a temp dir, renamed when
 * complete; a lock file lets two conductors sharing the cache wait for each other). */
static int ensure_debootstrap_base(const char *distro, const char *suite, char *base)
{
    snprintf(base, PATH_MAX, "%s/%s-%s", cfg.bases, distro, suite);
    if (path_exists(base))
        return 0;
    if (mkdir_p(cfg.bases, 0755) < 0)
        return kit_fail_errno("create %s", cfg.bases);
    char lockpath[PATH_MAX], tmp[PATH_MAX];
    snprintf(lockpath, sizeof(lockpath), "%s/.lock", cfg.bases);
    int lock = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0 || flock(lock, LOCK_EX) < 0)
        return kit_fail_errno("lock %s", lockpath);
    int rc = 0;
    if (!path_exists(base)) {
        snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-%s", cfg.bases, distro, suite);
        remove_tree(tmp);
        const char *mirror = strcmp(distro, "ubuntu") == 0 ? cfg.ubuntu_mirror : cfg.debian_mirror;
        printf("debootstrap %s %s from %s (once; later builds reuse it)\n", distro, suite, mirror);
        fflush(stdout);
        /* Ubuntu's release files are signed with Ubuntu's key, which a Debian host has only
         * with the ubuntu-keyring package (or a copy of the file). */
        static const char ubuntu_keyring[] = "/usr/share/keyrings/ubuntu-archive-keyring.gpg";
        char *argv[] = {"debootstrap", "--variant=minbase", (char *)suite, tmp, (char *)mirror,
                        NULL, NULL};
        if (strcmp(distro, "ubuntu") == 0 && path_exists(ubuntu_keyring)) {
            argv[5] = (char *)mirror;
            argv[4] = tmp;
            argv[3] = (char *)suite;
            argv[2] = "--keyring=/usr/share/keyrings/ubuntu-archive-keyring.gpg";
        }
        int status = kit_run(argv);
        if (status != 0) {
            remove_tree(tmp);
            rc = kit_fail("debootstrap %s %s from %s failed (status %d)", distro, suite, mirror, status);
        } else if (rename(tmp, base) < 0) {
            rc = kit_fail_errno("rename %s", tmp);
        }
    }
    close(lock);
    return rc;
}

/* Put the base layer for "FROM ARG" into IMG (or copy a local image).  0 or -1 (printed). */
static int from_step(const struct conductorfile *cf, const struct instruction *in, struct image *img)
{
    char *arg = in->args;
    char id[LAYER_ID_LEN + 1], layer[PATH_MAX];
    struct hasher *h = hasher_new();
    hasher_add_str(h, "FROM");
    if (strcmp(arg, "busybox") == 0 || strcmp(arg, "busybox:latest") == 0) {
        hasher_add_str(h, "busybox");
        hasher_finish(h, id);
        state_path(layer, "cache/layers/%s", id);
        if (!path_exists(layer) && kit_busybox_rootfs(layer) < 0)
            return kit_fail("%s:%d: could not make the busybox base", cf->path, in->line);
    } else if (strncmp(arg, "debian:", 7) == 0 || strncmp(arg, "ubuntu:", 7) == 0) {
        char distro[8], base[PATH_MAX];
        snprintf(distro, sizeof(distro), "%.6s", arg);
        const char *suite = arg + 7;
        if (!valid_name_quiet(suite)) {
            hasher_finish(h, id);
            return kit_fail("%s:%d: invalid suite '%s'", cf->path, in->line, suite);
        }
        hasher_add_str(h, arg);
        if (ensure_debootstrap_base(distro, suite, base) < 0) {
            hasher_finish(h, id);
            return kit_fail("%s:%d: FROM %s failed", cf->path, in->line, arg);
        }
        hasher_add_str(h, base);
        hasher_finish(h, id);
        /* The base stays where debootstrap put it (possibly a cache shared by many roots); the
         * layer is a symlink to it, which overlayfs follows when it resolves lowerdir. */
        state_path(layer, "cache/layers/%s", id);
        if (!path_exists(layer) && symlink(base, layer) < 0)
            return kit_fail_errno("symlink %s", layer);
        img->nlayers = 1;
        snprintf(img->layers[0], sizeof(img->layers[0]), "%s", id);
        img->layer_size[0] = tree_size(base);
        return 0;
    } else {
        hasher_finish(h, id);
        if (strchr(arg, ':') || !valid_name_quiet(arg))
            return kit_fail("%s:%d: unknown base '%s' (busybox, debian:SUITE, ubuntu:SUITE or a "
                            "local image)", cf->path, in->line, arg);
        struct image base;
        if (image_load(arg, &base) < 0)
            return kit_fail("%s:%d: no such image: %s", cf->path, in->line, arg);
        char name[NAME_MAX_LEN + 1];
        snprintf(name, sizeof(name), "%s", img->name);
        *img = base; /* takes over base's env and cmd strings */
        snprintf(img->name, sizeof(img->name), "%s", name);
        return 0;
    }
    img->nlayers = 1;
    snprintf(img->layers[0], sizeof(img->layers[0]), "%s", id);
    img->layer_size[0] = tree_size(layer);
    return 0;
}

/* ---- ENV, WORKDIR, CMD ---- */

static void env_set(struct image *img, const char *key, const char *value)
{
    size_t klen = strlen(key);
    char *entry = malloc(klen + strlen(value) + 2);
    sprintf(entry, "%s=%s", key, value);
    for (int i = 0; i < img->nenv; i++)
        if (strncmp(img->env[i], key, klen) == 0 && img->env[i][klen] == '=') {
            free(img->env[i]);
            img->env[i] = entry;
            return;
        }
    if (img->nenv < MAX_LIST - 1)
        img->env[img->nenv++] = entry;
    else
        free(entry);
}

static int env_step(const struct conductorfile *cf, const struct instruction *in, struct image *img)
{
    /* ENV KEY=VALUE [KEY=VALUE...]  or  ENV KEY VALUE WITH SPACES */
    char *args = strdup(in->args);
    size_t klen = strcspn(args, "= \t");
    int rc = 0;
    if (klen == 0) {
        rc = kit_fail("%s:%d: ENV needs KEY=VALUE", cf->path, in->line);
    } else if (args[klen] != '=') {
        args[klen] = '\0';
        char *value = args + klen + 1;
        while (isspace((unsigned char)*value))
            value++;
        env_set(img, args, value);
    } else {
        char *words[MAX_LIST];
        int n = split_words(args, words, MAX_LIST);
        for (int i = 0; i < n && rc == 0; i++) {
            char *eq = strchr(words[i], '=');
            if (!eq || eq == words[i]) {
                rc = kit_fail("%s:%d: ENV needs KEY=VALUE, not '%s'", cf->path, in->line, words[i]);
                break;
            }
            *eq = '\0';
            env_set(img, words[i], eq + 1);
        }
    }
    free(args);
    return rc;
}

/* CMD ["prog", "arg"] (exec form, a JSON array of strings) or CMD a shell command line. */
static int cmd_step(const struct conductorfile *cf, const struct instruction *in, struct image *img)
{
    for (int i = 0; i < img->ncmd; i++)
        free(img->cmd[i]);
    img->ncmd = 0;
    const char *p = in->args;
    if (*p != '[') {
        img->cmd[0] = strdup("/bin/sh");
        img->cmd[1] = strdup("-c");
        img->cmd[2] = strdup(p);
        img->ncmd = 3;
        return 0;
    }
    p++;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ']' && img->ncmd == 0)
            break;
        if (*p != '"' || img->ncmd == MAX_LIST - 1)
            return kit_fail("%s:%d: CMD [...] must be a list of \"strings\"", cf->path, in->line);
        char *word = malloc(strlen(p) + 1), *w = word;
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1]) {
                p++;
                *w++ = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
            } else {
                *w++ = *p;
            }
        }
        *w = '\0';
        img->cmd[img->ncmd++] = word;
        if (*p != '"')
            return kit_fail("%s:%d: unterminated string in CMD", cf->path, in->line);
        p++;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == ']')
            break;
        return kit_fail("%s:%d: CMD [...] must be a list of \"strings\"", cf->path, in->line);
    }
    if (p[1] != '\0')
        return kit_fail("%s:%d: text after CMD's ]", cf->path, in->line);
    return 0;
}

static int workdir_step(const struct instruction *in, struct image *img)
{
    char dir[PATH_MAX];
    if (in->args[0] == '/')
        snprintf(dir, sizeof(dir), "%s", in->args);
    else
        snprintf(dir, sizeof(dir), "%s/%s", img->workdir[0] ? img->workdir : "", in->args);
    snprintf(img->workdir, sizeof(img->workdir), "%s", dir);
    return 0;
}

/* ---- COPY and RUN: one layer each ---- */

static int layer_step(const struct conductorfile *cf, const struct instruction *in,
                      struct image *img, int stepno)
{
    if (img->nlayers == MAX_LAYERS)
        return kit_fail("%s:%d: more than %d layers", cf->path, in->line, MAX_LAYERS);
    char *args = strdup(in->args);
    char *words[MAX_LIST];
    int nwords = 0;
    bool is_copy = strcmp(in->keyword, "COPY") == 0;
    struct build_step step = {.file = cf->path, .line = in->line, .context = cf->context, .below = img};

    struct hasher *h = hasher_new();
    hasher_add_str(h, img->layers[img->nlayers - 1]);
    hasher_add_str(h, in->keyword);
    hasher_add_str(h, in->args);
    hasher_add_str(h, img->workdir);
    for (int i = 0; i < img->nenv; i++)
        hasher_add_str(h, img->env[i]);
    if (is_copy) {
        nwords = split_words(args, words, MAX_LIST);
        if (nwords < 2) {
            free(args);
            hasher_finish(h, (char[LAYER_ID_LEN + 1]){0});
            return kit_fail("%s:%d: COPY needs SRC... DEST", cf->path, in->line);
        }
        if (copy_hash_sources(&step, words, nwords - 1, h) < 0) {
            free(args);
            hasher_finish(h, (char[LAYER_ID_LEN + 1]){0});
            return -1;
        }
    }
    char id[LAYER_ID_LEN + 1], layer[PATH_MAX];
    hasher_finish(h, id);
    state_path(layer, "cache/layers/%s", id);
    printf("step %d: %s %s\n", stepno, in->keyword, in->args);
    int rc = 0;
    if (path_exists(layer)) {
        printf(" -> %s (cached)\n", id);
    } else {
        char tmp[PATH_MAX], upper[PATH_MAX], work[PATH_MAX], merged[PATH_MAX];
        if (state_tmpdir(tmp) < 0) {
            free(args);
            return -1;
        }
        snprintf(upper, sizeof(upper), "%s/upper", tmp);
        snprintf(work, sizeof(work), "%s/work", tmp);
        snprintf(merged, sizeof(merged), "%s/merged", tmp);
        if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0 || mkdir(merged, 0755) < 0)
            rc = kit_fail_errno("mkdir in %s", tmp);
        step.upper = upper;
        step.work = work;
        step.merged = merged;
        fflush(stdout);
        if (rc == 0)
            rc = is_copy ? copy_step(&step, words, nwords - 1, words[nwords - 1])
                         : run_step(&step, in->args);
        long long size = rc == 0 ? tree_size(upper) : 0;
        /* The step's upper dir becomes the layer in one rename. */
        if (rc == 0 && rename(upper, layer) < 0 && errno != EEXIST && errno != ENOTEMPTY)
            rc = kit_fail_errno("%s:%d: store layer %s", cf->path, in->line, id);
        remove_tree(tmp);
        if (rc == 0)
            printf(" -> %s (new, %lld bytes)\n", id, size);
    }
    free(args);
    if (rc == 0) {
        snprintf(img->layers[img->nlayers], sizeof(img->layers[0]), "%s", id);
        img->layer_size[img->nlayers++] = tree_size(layer);
    }
    return rc;
}

int cmd_build(int argc, char **argv)
{
    if (argc < 2 || argc > 3)
        return usage_error(argv[0]);
    if (!valid_name("image", argv[1]))
        return 1;
    struct conductorfile *cf = calloc(1, sizeof(*cf));
    cf->path = argc == 3 ? argv[2] : "Conductorfile";
    char real[PATH_MAX];
    if (!realpath(cf->path, real)) {
        kit_fail_errno("%s", cf->path);
        free(cf);
        return 1;
    }
    /* The build context is the Conductorfile's directory: COPY sources must lie inside it. */
    snprintf(cf->context, sizeof(cf->context), "%s", dirname(real));
    if (parse_file(cf) < 0) {
        free(cf->text);
        free(cf);
        return 1;
    }
    int lock = state_lock();
    if (lock < 0)
        return 1;
    struct image *img = calloc(1, sizeof(*img));
    snprintf(img->name, sizeof(img->name), "%s", argv[1]);
    int rc = 0;
    for (int i = 0; i < cf->count && rc == 0; i++) {
        const struct instruction *in = &cf->ins[i];
        const char *k = in->keyword;
        if (strcmp(k, "FROM") == 0)
            rc = from_step(cf, in, img);
        else if (strcmp(k, "ENV") == 0)
            rc = env_step(cf, in, img);
        else if (strcmp(k, "WORKDIR") == 0)
            rc = workdir_step(in, img);
        else if (strcmp(k, "CMD") == 0)
            rc = cmd_step(cf, in, img);
        else
            rc = layer_step(cf, in, img, i + 1);
    }
    if (rc == 0) {
        img->created = (long)time(NULL);
        rc = image_save(img);
    }
    if (rc == 0)
        printf("built %s: %d layers\n", img->name, img->nlayers);
    image_free(img);
    free(img);
    free(cf->text);
    free(cf);
    close(lock);
    return rc == 0 ? 0 : 1;
}
