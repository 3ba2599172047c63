/* linger: leaves a process behind that, for a minute, poisons every grader suite it can find
 * (the suites graded after this one included) and kills nothing.  The jail of the suite must
 * end it with the suite and name it; later suites score what they earn. */
static void poison_process(pid_t pid)
{
    each_arg(pid, poison_arg);
}

int main(void)
{
    daemonize();
    for (int i = 0; i < 300; i++) {
        each_process(poison_process);
        usleep(200 * 1000);
    }
    return 0;
}
