/* container_prog - the program simple_container runs inside its container.
 *
 *   container_prog subtask1|subtask2|subtask3
 *
 * It shows what the container looks like from the inside: its own PID and the PID of a child
 * it forks (1 and 2 in a new PID namespace), its working directory and open descriptors, the
 * entries of "/" (only the container's root
 * after chroot), for subtask2 the hostname it sets (new_hostname, visible only inside a new
 * UTS namespace), and for subtask2 and subtask3 the wall-clock time of a fixed CPU-bound
 * benchmark (about twice as long when a cgroup allows half a core).
 *
 * It links nothing but libc, which simple_container copies into the container's root.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SEPARATOR "_ _ _ _ _ _ _ _ _ _ _ _ _ _"
#define NEW_HOSTNAME "new_hostname"
/* Rounds of the benchmark: about 1.5 s of one core on the kit's reference machine. */
#define BENCHMARK_ROUNDS 1200000000UL

static const char *prog = "container_prog";

/* Fork a child that exits at once; print its PID as we (its parent) see it.  We wait for it:
 * a parent reaps its children, and in a new PID namespace we are PID 1, the one that would
 * also have to reap orphans. */
static int show_pids(void)
{
    printf("Process PID: %d\n", (int)getpid());
    fflush(stdout); /* or the child would print our buffered lines a second time */
    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "%s: fork: %s\n", prog, strerror(errno));
        return -1;
    }
    if (child == 0)
        _exit(0);
    printf("Child Process PID: %d\n", (int)child);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

/* Where we are and what we hold, as the kernel says: the working directory (getcwd(2) reports
 * one outside our root as unreachable: glibc fails with ENOENT) and the open descriptors. */
static void show_cwd_and_fds(void)
{
    char cwd[4096];
    if (getcwd(cwd, sizeof(cwd)))
        printf("Working directory: %s\n", cwd);
    else
        printf("Working directory: (%s)\n",
               errno == ENOENT ? "unreachable: outside the root" : strerror(errno));
    printf("Open descriptors:");
    for (int fd = 0; fd < 1024; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            printf(" %d", fd);
    printf("\n");
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Print the entries of "/" (sorted, without "." and ".."). */
static int list_root(void)
{
    DIR *dir = opendir("/");
    if (!dir) {
        fprintf(stderr, "%s: open /: %s\n", prog, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir))) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        char **grown = realloc(names, (count + 1) * sizeof(*names));
        if (!grown || !(grown[count] = strdup(entry->d_name))) {
            fprintf(stderr, "%s: out of memory\n", prog);
            free(grown ? grown : names);
            closedir(dir);
            return -1;
        }
        names = grown;
        count++;
    }
    closedir(dir);
    qsort(names, count, sizeof(*names), compare_names);
    printf("%s\nFiles/Directories in root directory:\n", SEPARATOR);
    for (size_t i = 0; i < count; i++) {
        printf("%s\n", names[i]);
        free(names[i]);
    }
    free(names);
    printf("%s\n", SEPARATOR);
    return 0;
}

/* Set the hostname and read it back.  In a new UTS namespace only the container sees it. */
static int change_hostname(void)
{
    if (sethostname(NEW_HOSTNAME, strlen(NEW_HOSTNAME)) < 0) {
        fprintf(stderr, "%s: sethostname: %s\n", prog, strerror(errno));
        return -1;
    }
    char name[256] = "";
    if (gethostname(name, sizeof(name) - 1) < 0) {
        fprintf(stderr, "%s: gethostname: %s\n", prog, strerror(errno));
        return -1;
    }
    printf("Hostname within container: %s\n", name);
    return 0;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A fixed amount of pure CPU work (a linear congruential generator: each step depends on the
 * last, so the compiler cannot skip or vectorise it).  Reports wall-clock time: with a CPU
 * quota the work is the same but the process waits while throttled. */
static void run_benchmark(void)
{
    printf("Computation Benchmark:\n");
    fflush(stdout);
    long long start = now_ns();
    volatile unsigned long long sink;
    unsigned long long x = 1;
    for (unsigned long i = 0; i < BENCHMARK_ROUNDS; i++)
        x = x * 6364136223846793005ULL + 1442695040888963407ULL + i;
    sink = x;
    (void)sink;
    printf("Time Taken: %lld ms\n", (now_ns() - start) / 1000000);
}

int main(int argc, char **argv)
{
    int subtask = 0;
    if (argc == 2 && strncmp(argv[1], "subtask", 7) == 0 && argv[1][7] >= '1' &&
        argv[1][7] <= '3' && argv[1][8] == '\0')
        subtask = argv[1][7] - '0';
    if (!subtask) {
        fprintf(stderr, "usage: %s subtask1|subtask2|subtask3\n", prog);
        return 2;
    }
    if (show_pids() < 0)
        return 1;
    show_cwd_and_fds();
    if (list_root() < 0)
        return 1;
    if (subtask == 2 && change_hostname() < 0)
        return 1;
    if (subtask >= 2)
        run_benchmark();
    return 0;
}
