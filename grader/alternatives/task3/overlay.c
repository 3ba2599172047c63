/* overlay.c - an image's layers as ONE overlay mount (task 3.d).
 *
 *   mount -t overlay overlay -o lowerdir=TOP:...:BASE,upperdir=UPPER,workdir=WORK TARGET
 *
 * The lower layers are read-only and shared by every container of the image; every write goes
 * to UPPER (copy-up of the whole file on first write), a deleted lower file becomes a
 * "whiteout" in UPPER (a character device 0:0), a replaced directory an "opaque" one (xattr
 * trusted.overlay.opaque=y).  Starting a container therefore copies nothing. */
#include "conductor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "kit/err.h"

int mount_layers(const struct image *img, const char *upper, const char *work,
                 const char *target)
{
    /* TODO 3.d: Mount IMG's layers (cache/layers/ID, img->layers[0] is the base) read-only with
     *     UPPER writable on top on TARGET: mount(2) of type "overlay" with the options
     *     lowerdir=TOP:...:BASE (the LEFTMOST lower is the top one), upperdir=, workdir=.
     *     The options string may be at most one page (4096 bytes): chdir into cache/layers and
     *     name the layers by their short ids (relative paths), then go back.
     *     Test: conductor run IMAGE x -- cat /a-copied-file ; ls containers/x/upper */
    if (img->nlayers < 1)
        return kit_fail("image %s has no layers", img->name);
    char layers_dir[PATH_MAX];
    state_path(layers_dir, "cache/layers");

    /* The mount data is one page: with absolute paths of ~60 bytes an image of 60 layers would
     * not fit.  Relative lowerdirs are resolved against the caller's working directory at
     * mount time, so 17 bytes a layer allow ~230 layers.  (On Linux >= 6.8 the new mount API
     * can instead append layers one at a time: fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir+",
     * path, 0), with no length limit at all.) */
    size_t cap = (size_t)img->nlayers * (LAYER_ID_LEN + 1) + strlen(upper) + strlen(work) + 64;
    char *options = malloc(cap);
    size_t n = (size_t)snprintf(options, cap, "lowerdir=");
    for (int i = img->nlayers - 1; i >= 0; i--) /* top first */
        n += (size_t)snprintf(options + n, cap - n, "%s%s", img->layers[i], i > 0 ? ":" : "");
    n += (size_t)snprintf(options + n, cap - n, ",upperdir=%s,workdir=%s", upper, work);
    if (n >= (size_t)sysconf(_SC_PAGESIZE)) {
        free(options);
        return kit_fail("overlay options for %d layers do not fit in one page", img->nlayers);
    }

    int saved_cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (saved_cwd < 0 || chdir(layers_dir) < 0) {
        free(options);
        return kit_fail_errno("chdir %s", layers_dir);
    }
    int rc = mount("overlay", target, "overlay", 0, options);
    int saved_errno = errno;
    if (fchdir(saved_cwd) < 0)
        rc = -1;
    close(saved_cwd);
    if (rc < 0) {
        errno = saved_errno;
        kit_fail_errno("mount overlay (%d layers) on %s", img->nlayers, target);
    }
    free(options);
    return rc;
}
