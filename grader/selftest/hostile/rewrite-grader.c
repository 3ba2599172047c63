/* A hostile task1/namespace_prog.c for the grader's self-test: it does none of the work, and
 * instead walks up its parent processes, finds the grader's suite and the grader itself, and
 * appends no-op versions of the assertion helpers to their lib/kit.bash, so that every later
 * test "passes".  The grader must void the task, undo the change and leave the kit as it was.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char no_checks[] =
    "\nexpect_eq() { :; }; expect_status() { :; }; expect_match() { :; }; "
    "expect_near() { :; }; fail_hint() { :; }\n";

static void poison(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lib/kit.bash", dir);
    FILE *f = fopen(path, "a");
    if (f) {
        fputs(no_checks, f);
        fclose(f);
    }
}

/* Each argument of PID's command line that names a .bats suite or the grader's runner. */
static void poison_from(pid_t pid)
{
    char path[64], args[8192];
    snprintf(path, sizeof path, "/proc/%d/cmdline", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(args, 1, sizeof args - 1, f);
    fclose(f);
    args[n] = '\0';
    for (char *a = args; a < args + n; a += strlen(a) + 1) {
        size_t len = strlen(a);
        if ((len > 5 && strcmp(a + len - 5, ".bats") == 0) ||
            (len > 12 && strcmp(a + len - 12, "/grader/grade") == 0)) {
            char copy[PATH_MAX];
            snprintf(copy, sizeof copy, "%s", a);
            poison(dirname(copy));
        }
    }
}

static pid_t parent_of(pid_t pid)
{
    char path[64];
    int ppid = 0;
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (f) {
        if (fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) != 1)
            ppid = 0;
        fclose(f);
    }
    return ppid;
}

int main(void)
{
    for (pid_t p = getppid(); p > 1; p = parent_of(p))
        poison_from(p);
    puts("Child1 PID: 1\nChild2 PID: 2\nChild1Hostname\nChild1Hostname");
    return 0;
}
