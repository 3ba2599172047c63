/* libFuzzer harness: arbitrary bytes as conductor's settings file (CONDUCTOR_CONFIG). */
#include "../conductor.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof(path), "/tmp/fuzz-config-%d", (int)getpid());
        setenv("CONDUCTOR_CONFIG", path, 1);
        for (const char *k = "CONDUCTOR_ROOT"; k; k = NULL)
            unsetenv(k);
    }
    FILE *f = fopen(path, "we");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    config_load();
    return 0;
}
