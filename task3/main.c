/* conductor - a small Docker: layered images, containers in namespaces, a cgroup each. */
#include "conductor.h"

#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kit/err.h"

static void print_help(FILE *out)
{
    fprintf(out, "usage: conductor COMMAND [ARGS...]   (conductor COMMAND -h for its usage)\n\n"
                 "commands:\n");
    for (const struct command *c = commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->help);
    fprintf(out, "\nsettings: /etc/conductor/conductor.conf (or $CONDUCTOR_CONFIG), each key\n"
                 "overridable by the environment: CONDUCTOR_ROOT, CONDUCTOR_BASES,\n"
                 "CONDUCTOR_DEBIAN_MIRROR, CONDUCTOR_UBUNTU_MIRROR, CONDUCTOR_SUBNET,\n"
                 "CONDUCTOR_INTERFACE\n");
}

#define CONDUCTOR_VERSION "1.0"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int main(int argc, char **argv)
{
    kit_set_prog("conductor");
    /* Whatever descriptors the caller left open (a shell's `exec 7</`, a test harness's pipe)
     * must never reach a container: mark them all close-on-exec now, so that even a path that
     * forgets kit_exec_prepare() leaks none.  Each exec path still closes them itself. */
    syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("conductor %s\n", CONDUCTOR_VERSION);
        return 0;
    }
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        print_help(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const struct command *cmd = find_command(argv[1]);
    if (!cmd) {
        kit_fail("unknown command '%.40s' (conductor --help lists them)", argv[1]);
        return 2;
    }
    if (wants_help(cmd, argc - 1, argv + 1))
        return 0;
    if (config_load() < 0)
        return 1;
    return cmd->run(argc - 1, argv + 1);
}
