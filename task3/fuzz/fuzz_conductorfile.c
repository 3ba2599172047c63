/* libFuzzer harness: arbitrary bytes as a Conductorfile, through the parser and the steps that
 * only change the image's record (ENV, WORKDIR, CMD), then the record written out.  Built
 * with ASan/UBSan by `make fuzz`; a crash, a leak report or UB is a bug. */
#include "../conductorfile.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct conductorfile *cf = calloc(1, sizeof(*cf));
    struct image *img = calloc(1, sizeof(*img));
    cf->path = "fuzz";
    cf->text = malloc(size + 1);
    memcpy(cf->text, data, size);
    cf->text[size] = '\0';
    cf->length = size;
    snprintf(img->name, sizeof(img->name), "fuzz");
    if (conductorfile_parse(cf) == 0) {
        int rc = 0;
        for (int i = 0; i < cf->count && rc == 0; i++) {
            const struct instruction *in = &cf->ins[i];
            if (strcmp(in->keyword, "ENV") == 0)
                rc = conductorfile_env(cf, in, img);
            else if (strcmp(in->keyword, "WORKDIR") == 0)
                rc = conductorfile_workdir(cf, in, img);
            else if (strcmp(in->keyword, "CMD") == 0)
                rc = conductorfile_cmd(cf, in, img);
        }
        /* Never a device path: write_file_atomic renames a temp file onto its target. */
        static char path[64];
        if (!path[0])
            snprintf(path, sizeof(path), "/tmp/fuzz-image-%d", (int)getpid());
        if (rc == 0 && image_write(img, path) == 0)
            unlink(path);
    }
    image_free(img);
    free(img);
    free(cf->text);
    free(cf);
    return 0;
}
