/* libFuzzer harness: arbitrary bytes as conductor's settings file (CONDUCTOR_CONFIG). */
#include "../conductor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char path[64];
static void remove_config(void)
{
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!path[0]) {
        snprintf(path, sizeof(path), "/tmp/fuzz-config-%d", (int)getpid());
        atexit(remove_config);
        setenv("CONDUCTOR_CONFIG", path, 1);
        unsetenv("CONDUCTOR_ROOT");
    }
    FILE *f = fopen(path, "we");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    config_load();
    return 0;
}
