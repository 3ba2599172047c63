/* kill-grader: SIGKILLs every ancestor it can see and every process running bats or the
 * grader.  The scorer must survive it (outside the suite's PID namespace), void the task and
 * go on with the next suite. */
static void kill_if_grader(pid_t pid, const char *a)
{
    if (strstr(a, "bats") || ends_with(a, "/grader/grade") || strstr(a, "grade-all"))
        kill(pid, SIGKILL);
}

static void kill_grader(pid_t pid)
{
    each_arg(pid, kill_if_grader);
}

int main(void)
{
    each_process(kill_grader);
    for (pid_t p = getppid(); p > 1; p = parent_of(p))
        kill(p, SIGKILL);
    return 0;
}
