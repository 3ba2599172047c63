/* commands.c - the command table: one line per command.  Networking (task 3.c) adds its
 * commands here too, each implemented in its own file. */
#include "conductor.h"

#include <stdio.h>
#include <string.h>

const struct command commands[] = {
    {"build", cmd_build, "build IMAGE [CONDUCTORFILE]", "build an image (default ./Conductorfile)"},
    {"images", cmd_images, "images", "list images: name, size, layers, date"},
    {"rmi", cmd_rmi, "rmi IMAGE", "remove an image and the layers no other image uses"},
    {"rmcache", cmd_rmcache, "rmcache", "remove cached layers and bases no image uses"},
    {"run", cmd_run, "run [-d] [--rm] [-it] [--memory M] [--cpus F] [--pids N] [--read-only] [--user UID[:GID]] IMAGE NAME [--] [CMD ARGS...]",
     "start a container (interactive, or -d detached with output to its log)"},
    {"exec", cmd_exec, "exec [-it] NAME [--] [CMD ARGS...]", "run a command in a running container"},
    {"ps", cmd_ps, "ps [-a]", "list containers: name, image, status, PID, created"},
    {"stop", cmd_stop, "stop NAME", "kill a container's processes and remove it"},
    {"rm", cmd_rm, "rm NAME", "remove a container that is not running"},
    {"logs", cmd_logs, "logs [-f] NAME", "print the output of a detached container"},
    {"diff", cmd_diff, "diff NAME", "list what the container changed in its image: A added, C changed, D deleted"},
    /* networking (3.c) */
    {"addnetwork", cmd_addnetwork, "addnetwork NAME [-i|--internet] [-e|--expose INNER-OUTER | -p|--publish OUTER:INNER]...", "connect a running container: veth to the host, -i NAT to the internet, -e host port forward"},
    {"peer", cmd_peer, "peer NAME1 NAME2", "let two networked containers reach each other"},
    {NULL, NULL, NULL, NULL},
};

const struct command *find_command(const char *name)
{
    for (const struct command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

bool wants_help(const struct command *cmd, int argc, char **argv)
{
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: conductor %s\n  %s\n", cmd->usage, cmd->help);
            return true;
        }
    return false;
}

int usage_error(const char *command_name)
{
    const struct command *c = find_command(command_name);
    fprintf(stderr, "usage: conductor %s\n", c ? c->usage : "COMMAND ...");
    return 2;
}
