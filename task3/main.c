/* conductor - a small Docker: layered images, containers in namespaces, a cgroup each. */
#include "conductor.h"

#include <stdio.h>
#include <string.h>

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

int main(int argc, char **argv)
{
    kit_set_prog("conductor");
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
