/* image.c - images: named lists of layers plus ENV/WORKDIR/CMD; images, rmi, rmcache.
 *
 * An image is only a small text file; its content is the stack of layer directories it names
 * under cache/layers/.  Layers are shared: two images built from the same steps name the same
 * layer ids, and a layer is deleted only when no image and no container refers to it. */
#include "conductor.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kit/err.h"

int image_read(const char *path, struct image *img)
{
    struct record rec;
    memset(img, 0, sizeof(*img));
    if (record_load(&rec, path) < 0)
        return -1;
    for (int i = 0; i < rec.count; i++) {
        const char *k = rec.keys[i], *v = rec.values[i];
        if (strcmp(k, "name") == 0)
            snprintf(img->name, sizeof(img->name), "%s", v);
        else if (strcmp(k, "created") == 0)
            img->created = atol(v);
        else if (strcmp(k, "workdir") == 0)
            snprintf(img->workdir, sizeof(img->workdir), "%s", v);
        else if (strcmp(k, "layer") == 0 && img->nlayers < MAX_LAYERS) {
            long long size = 0;
            sscanf(v, "%16s %lld", img->layers[img->nlayers], &size);
            img->layer_size[img->nlayers++] = size;
        } else if (strcmp(k, "env") == 0 && img->nenv < MAX_LIST - 1)
            img->env[img->nenv++] = strdup(v);
        else if (strcmp(k, "cmd") == 0 && img->ncmd < MAX_LIST - 1)
            img->cmd[img->ncmd++] = strdup(v);
    }
    record_free(&rec);
    return 0;
}

int image_load(const char *name, struct image *img)
{
    char path[PATH_MAX];
    return image_read(state_path(path, "images/%s", name), img);
}

int image_write(const struct image *img, const char *path)
{
    /* A memory stream grows as needed: no size to compute, nothing to overflow. */
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    if (!out)
        return -1;
    fprintf(out, "name=%s\ncreated=%ld\nworkdir=%s\n", img->name, img->created, img->workdir);
    for (int i = 0; i < img->nlayers; i++)
        fprintf(out, "layer=%s %lld\n", img->layers[i], img->layer_size[i]);
    for (int i = 0; i < img->nenv; i++)
        fprintf(out, "env=%s\n", img->env[i]);
    for (int i = 0; i < img->ncmd; i++)
        fprintf(out, "cmd=%s\n", img->cmd[i]);
    if (ferror(out) | fclose(out)) {
        free(text);
        errno = ENOMEM;
        return -1;
    }
    int rc = write_file_atomic(path, text);
    free(text);
    return rc;
}

int image_save(const struct image *img)
{
    char path[PATH_MAX];
    if (image_write(img, state_path(path, "images/%s", img->name)) < 0)
        return kit_fail_errno("write %s", path);
    return 0;
}

void image_free(struct image *img)
{
    for (int i = 0; i < img->nenv; i++)
        free(img->env[i]);
    for (int i = 0; i < img->ncmd; i++)
        free(img->cmd[i]);
    img->nenv = img->ncmd = 0;
}

/* Is layer ID named by any image file or any container's copy of its image? */
static bool layer_in_use(const char *id)
{
    static const char *kinds[] = {"images", "containers"};
    bool used = false;
    for (size_t k = 0; k < 2 && !used; k++) {
        char dir[PATH_MAX];
        DIR *d = opendir(state_path(dir, "%s", kinds[k]));
        if (!d)
            continue;
        struct dirent *e;
        while (!used && (e = readdir(d))) {
            if (e->d_name[0] == '.' || !valid_name_quiet(e->d_name))
                continue;
            char path[PATH_MAX];
            if (k == 0)
                state_path(path, "images/%s", e->d_name);
            else
                state_path(path, "containers/%s/image", e->d_name);
            struct image img;
            if (image_read(path, &img) < 0)
                continue;
            for (int i = 0; i < img.nlayers && !used; i++)
                used = strcmp(img.layers[i], id) == 0;
            image_free(&img);
        }
        closedir(d);
    }
    return used;
}

static int remove_layer(const char *id)
{
    char path[PATH_MAX], tmp[PATH_MAX];
    state_path(path, "cache/layers/%s", id);
    /* Rename first, then delete: a half-deleted layer is never visible under its id. */
    if (state_tmpdir(tmp) < 0)
        return -1;
    char moved[PATH_MAX];
    snprintf(moved, sizeof(moved), "%s/layer", tmp);
    if (rename(path, moved) < 0) {
        rmdir(tmp);
        return kit_fail_errno("remove layer %s", id);
    }
    return remove_tree(tmp);
}

int layers_collect_garbage(const struct image *candidates)
{
    int rc = 0;
    if (candidates) {
        for (int i = 0; i < candidates->nlayers; i++)
            if (!layer_in_use(candidates->layers[i]) && remove_layer(candidates->layers[i]) < 0)
                rc = -1;
        return rc;
    }
    char dir[PATH_MAX];
    DIR *d = opendir(state_path(dir, "cache/layers"));
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' && !layer_in_use(e->d_name) && remove_layer(e->d_name) < 0)
            rc = -1;
    closedir(d);
    return rc;
}

int cmd_images(int argc, char **argv)
{
    if (argc != 1)
        return usage_error(argv[0]);
    char dir[PATH_MAX];
    printf("%-24s %10s %6s  %s\n", "NAME", "SIZE", "LAYERS", "CREATED");
    DIR *d = opendir(state_path(dir, "images"));
    if (!d)
        return 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        struct image img;
        if (e->d_name[0] == '.' || !valid_name_quiet(e->d_name) || image_load(e->d_name, &img) < 0)
            continue;
        long long size = 0;
        for (int i = 0; i < img.nlayers; i++)
            size += img.layer_size[i];
        char sz[32], when[64];
        format_size(size, sz, sizeof(sz));
        format_time(img.created, when, sizeof(when));
        printf("%-24s %10s %6d  %s\n", img.name, sz, img.nlayers, when);
        image_free(&img);
    }
    closedir(d);
    return 0;
}

/* The name of a container (running or not) made from image NAME, if any. */
static bool image_used_by_container(const char *name, char *user, size_t len)
{
    char dir[PATH_MAX];
    DIR *d = opendir(state_path(dir, "containers"));
    if (!d)
        return false;
    struct dirent *e;
    bool used = false;
    while (!used && (e = readdir(d))) {
        struct container c;
        if (e->d_name[0] == '.' || container_load(e->d_name, &c) < 0)
            continue;
        if (strcmp(c.image, name) == 0) {
            used = true;
            snprintf(user, len, "%s", c.name);
        }
    }
    closedir(d);
    return used;
}

int cmd_rmi(int argc, char **argv)
{
    if (argc != 2)
        return usage_error(argv[0]);
    const char *name = argv[1];
    if (!valid_name("image", name))
        return 2;
    int cache, lock;
    if (layer_delete_locks(&cache, &lock) < 0)
        return 1;
    struct image img;
    int rc = 1;
    char user[NAME_MAX_LEN + 1];
    if (image_load(name, &img) < 0) {
        kit_fail("no such image: %s", name);
    } else if (image_used_by_container(name, user, sizeof(user))) {
        kit_fail("image %s is used by container %s (stop it first)", name, user);
        image_free(&img);
    } else {
        char path[PATH_MAX];
        if (unlink(state_path(path, "images/%s", name)) < 0)
            kit_fail_errno("remove %s", path);
        else if (layers_collect_garbage(&img) == 0)
            rc = 0;
        image_free(&img);
    }
    close(lock);
    close(cache);
    return rc;
}

int cmd_rmcache(int argc, char **argv)
{
    if (argc != 1)
        return usage_error(argv[0]);
    int cache, lock;
    if (layer_delete_locks(&cache, &lock) < 0)
        return 1;
    int rc = layers_collect_garbage(NULL) < 0 ? 1 : 0;
    /* Debootstrap bases: only the ones kept inside our own root (a shared CI cache set with
     * CONDUCTOR_BASES is someone else's to clean).  Layers made from a base are symlinks to it,
     * and the ones still used by an image were kept above, so keep the bases they point to. */
    char own[PATH_MAX];
    if (strcmp(cfg.bases, state_path(own, "cache/bases")) == 0) {
        if (bases_remove_abandoned() < 0)
            rc = 1;
        DIR *d = opendir(cfg.bases);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char base[PATH_MAX];
            snprintf(base, sizeof(base), "%s/%s", cfg.bases, e->d_name);
            bool used = false;
            char dir[PATH_MAX];
            DIR *l = opendir(state_path(dir, "cache/layers"));
            struct dirent *le;
            while (l && !used && (le = readdir(l))) {
                char link[PATH_MAX], target[PATH_MAX];
                snprintf(link, sizeof(link), "%s/%s", dir, le->d_name);
                ssize_t n = readlink(link, target, sizeof(target) - 1);
                if (n > 0) {
                    target[n] = '\0';
                    used = strcmp(target, base) == 0;
                }
            }
            if (l)
                closedir(l);
            if (!used && remove_tree(base) < 0)
                rc = 1;
        }
        if (d)
            closedir(d);
    }
    close(lock);
    close(cache);
    return rc;
}
