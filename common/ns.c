#include "kit/ns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CHILD_STACK_SIZE (1024 * 1024)

pid_t kit_clone(int flags, int (*fn)(void *), void *arg)
{
    /* The stack is a private mapping of the parent; after clone without CLONE_VM the child
     * has its own copy, so the parent may unmap its copy at once. */
    char *stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        return -1;
    pid_t pid = clone(fn, stack + CHILD_STACK_SIZE, flags | SIGCHLD, arg);
    int saved = errno;
    munmap(stack, CHILD_STACK_SIZE);
    errno = saved;
    return pid;
}

static const struct {
    int flag;
    const char *name;
} ns_names[] = {
    {CLONE_NEWUTS, "uts"},   {CLONE_NEWPID, "pid"},       {CLONE_NEWNS, "mnt"},
    {CLONE_NEWNET, "net"},   {CLONE_NEWIPC, "ipc"},       {CLONE_NEWUSER, "user"},
    {CLONE_NEWCGROUP, "cgroup"},
#ifdef CLONE_NEWTIME
    {CLONE_NEWTIME, "time"},
#endif
};

const char *kit_ns_name(int nstype)
{
    for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++)
        if (ns_names[i].flag == nstype)
            return ns_names[i].name;
    return NULL;
}

int kit_ns_parse_link(const char *link, char *type, size_t type_len, unsigned long *inode)
{
    const char *colon = strchr(link, ':');
    if (!colon || colon == link || (size_t)(colon - link) >= type_len || colon[1] != '[') {
        errno = EINVAL;
        return -1;
    }
    char *end;
    errno = 0;
    unsigned long value = strtoul(colon + 2, &end, 10);
    if (errno || end == colon + 2 || strcmp(end, "]") != 0) {
        errno = EINVAL;
        return -1;
    }
    memcpy(type, link, (size_t)(colon - link));
    type[colon - link] = '\0';
    *inode = value;
    return 0;
}

int kit_ns_inode(pid_t pid, const char *name, unsigned long *inode)
{
    char path[PATH_MAX];
    if (pid == 0)
        snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
    else
        snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    *inode = (unsigned long)st.st_ino;
    return 0;
}
