/* kit-cgroup - the kit's cgroup discovery from the command line, for the grader's self-tests
 * and for looking around on a new machine.
 *   kit-cgroup parent CONTROLLER     print kit_cgroup_parent_dir(CONTROLLER), then this
 *                                    process's own group (as /proc/self/cgroup shows it)
 *   kit-cgroup limit NAME CMD...     run CMD in group NAME (pids.max 64) and remove it after */
#include "kit/cgroup.h"
#include "kit/err.h"
#include "kit/exec.h"
#include "kit/run.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int show_parent(const char *controller)
{
    char dir[PATH_MAX], line[PATH_MAX];
    if (kit_cgroup_parent_dir(controller, dir, sizeof(dir)) < 0)
        return 1;
    printf("parent %s\n", dir);
    FILE *f = fopen("/proc/self/cgroup", "re");
    while (f && fgets(line, sizeof(line), f))
        printf("self %s", line);
    if (f)
        fclose(f);
    return 0;
}

static int run_limited(const char *name, char **cmd)
{
    struct kit_cgroup *cg = kit_cgroup_create(name);
    if (!cg || kit_cgroup_set_pids(cg, 64) < 0)
        return kit_cgroup_destroy(cg), 1;
    printf("group %s\n", kit_cgroup_path(cg, "pids"));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (kit_cgroup_add(cg, getpid()) < 0 || kit_exec_prepare(NULL, 0) < 0)
            _exit(126);
        execvp(cmd[0], cmd);
        _exit(127);
    }
    int status = pid < 0 ? 1 : kit_wait_status(pid);
    return kit_cgroup_destroy(cg) < 0 ? 1 : status;
}

int main(int argc, char **argv)
{
    kit_set_prog(argv[0]);
    if (argc == 3 && strcmp(argv[1], "parent") == 0)
        return show_parent(argv[2]);
    if (argc >= 4 && strcmp(argv[1], "limit") == 0)
        return run_limited(argv[2], argv + 3);
    fprintf(stderr, "usage: %s parent CONTROLLER | limit NAME CMD...\n", kit_prog());
    return 2;
}
