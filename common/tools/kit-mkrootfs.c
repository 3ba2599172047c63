/* kit-mkrootfs - make a root filesystem for tests and benchmarks.
 *   kit-mkrootfs busybox DIR    a minimal busybox root (see kit/busybox.h) */
#include "kit/busybox.h"
#include "kit/err.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    kit_set_prog(argv[0]);
    if (argc != 3 || strcmp(argv[1], "busybox") != 0) {
        fprintf(stderr, "usage: %s busybox DIR\n", kit_prog());
        return 2;
    }
    return kit_busybox_rootfs(argv[2]) < 0 ? 1 : 0;
}
