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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "conductorfile.h"
#include "kit/busybox.h"
#include "kit/err.h"
#include "kit/rootfs.h"
#include "kit/run.h"

/* The busybox base, made in our tmp/ (which the next conductor removes if we are killed) and
 * renamed into LAYER.  Another build may have renamed its own there first: then use that.
 * It holds the files run binds on (etc/hostname, etc/resolv.conf), empty, as a debootstrapped
 * base does: a container that changes nothing then has nothing in its upper dir (diff). */
static int make_busybox_layer(const char *layer)
{
    char tmp[PATH_MAX], root[PATH_MAX], path[PATH_MAX];
    if (state_tmpdir(tmp) < 0)
        return -1;
    snprintf(root, sizeof(root), "%s/rootfs", tmp);
    int rc = kit_busybox_rootfs(root);
    static const char *const mount_points[] = {"etc/hostname", "etc/resolv.conf"};
    for (size_t i = 0; rc == 0 && i < sizeof(mount_points) / sizeof(mount_points[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", root, mount_points[i]);
        rc = kit_make_mount_point(path, false);
    }
    if (rc == 0 && rename(root, layer) < 0 && errno != EEXIST && errno != ENOTEMPTY)
        rc = kit_fail_errno("rename %s to %s", root, layer);
    remove_tree(tmp);
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
        if (!path_exists(layer) && make_busybox_layer(layer) < 0)
            return kit_fail("%s:%d: could not make the busybox base", cf->path, in->line);
    } else if (strncmp(arg, "debian:", 7) == 0 || strncmp(arg, "ubuntu:", 7) == 0) {
        char distro[8], base[PATH_MAX];
        snprintf(distro, sizeof(distro), "%.6s", arg);
        const char *suite = arg + 7;
        if (!valid_name_quiet(suite)) {
            hasher_finish(h, id);
            char shown[64];
            return kit_fail("%s:%d: invalid suite '%s'", cf->path, in->line,
                            printable(suite, shown, sizeof(shown)));
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
        char shown[64];
        if (strchr(arg, ':') || !valid_name_quiet(arg))
            return kit_fail("%s:%d: unknown base '%s' (busybox, debian:SUITE, ubuntu:SUITE or a "
                            "local image)", cf->path, in->line, printable(arg, shown, sizeof(shown)));
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
    char shown[240]; /* a 10 MB RUN line is not echoed whole, an ESC in it not raw */
    printf("step %d: %s %s\n", stepno, in->keyword, printable(in->args, shown, sizeof(shown)));
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
        return 2;
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
    if (conductorfile_read(cf) < 0) {
        free(cf->text);
        free(cf);
        return 1;
    }
    /* The cache lock, shared with other builds, for the whole build; the state lock only to
     * record the image at the end (lock.c). */
    int cache = cache_lock(false);
    int building = cache < 0 ? -1 : image_build_lock(argv[1]);
    if (building < 0) {
        if (cache >= 0)
            close(cache);
        free(cf->text);
        free(cf);
        return 1;
    }
    struct image *img = calloc(1, sizeof(*img));
    snprintf(img->name, sizeof(img->name), "%s", argv[1]);
    int rc = 0;
    for (int i = 0; i < cf->count && rc == 0; i++) {
        const struct instruction *in = &cf->ins[i];
        const char *k = in->keyword;
        if (strcmp(k, "FROM") == 0)
            rc = from_step(cf, in, img);
        else if (strcmp(k, "ENV") == 0)
            rc = conductorfile_env(cf, in, img);
        else if (strcmp(k, "WORKDIR") == 0)
            rc = conductorfile_workdir(cf, in, img);
        else if (strcmp(k, "CMD") == 0)
            rc = conductorfile_cmd(cf, in, img);
        else
            rc = layer_step(cf, in, img, i + 1);
    }
    if (rc == 0) {
        img->created = (long)time(NULL);
        int lock = state_lock();
        rc = lock < 0 ? -1 : image_save(img);
        if (lock >= 0)
            close(lock);
    }
    if (rc == 0)
        printf("built %s: %d layers\n", img->name, img->nlayers);
    image_free(img);
    free(img);
    free(cf->text);
    free(cf);
    close(building);
    close(cache);
    return rc == 0 ? 0 : 1;
}
