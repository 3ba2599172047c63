/* escape-cgroup: moves itself into the root group of every cgroup hierarchy (out of the
 * grader's scope, so the scope's cleanup would miss it) and stays there.  The grader must
 * name it, void the task and leave no process behind. */
static void to_root_group(const char *mountpoint)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/cgroup.procs", mountpoint);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
    }
}

int main(void)
{
    daemonize();
    FILE *m = fopen("/proc/self/mountinfo", "r");
    char line[4096];
    while (m && fgets(line, sizeof line, m)) {
        char point[PATH_MAX], *dash = strstr(line, " - ");
        if (dash && (strncmp(dash, " - cgroup ", 10) == 0 || strncmp(dash, " - cgroup2 ", 11) == 0) &&
            sscanf(line, "%*s %*s %*s %*s %4095s", point) == 1)
            to_root_group(point);
    }
    if (m)
        fclose(m);
    signal(SIGHUP, SIG_IGN);
    for (int i = 0; i < 1200; i++)  /* two minutes, whatever interrupts a sleep */
        usleep(100 * 1000);
    return 0;
}
