/* ipc_probe - make, look up and remove IPC objects, for task2-isolation.bats (built static, so
 * it runs in the busybox rootfs and on the host alike).
 *
 *   ipc_probe make KEY NAME     a System V shared memory segment, message queue and semaphore
 *                               set with the System V key KEY, and the POSIX queue /NAME
 *   ipc_probe find KEY NAME     one line per kind: "shm present" or "shm absent" (msg, sem, mq)
 *   ipc_probe remove KEY NAME   remove the four (what is not there is fine)
 *
 * Each kind is looked up by its key or name in the IPC namespace the probe runs in: that is
 * what ipc_namespaces(7) says is private to a container.  Exit 0, or 1 with a message. */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

static int fail(const char *what)
{
    fprintf(stderr, "ipc_probe: %s: %s\n", what, strerror(errno));
    return 1;
}

static int make(key_t key, const char *name)
{
    if (shmget(key, 4096, IPC_CREAT | 0600) < 0)
        return fail("shmget");
    if (msgget(key, IPC_CREAT | 0600) < 0)
        return fail("msgget");
    if (semget(key, 1, IPC_CREAT | 0600) < 0)
        return fail("semget");
    mqd_t q = mq_open(name, O_CREAT | O_RDWR, 0600, NULL);
    if (q == (mqd_t)-1)
        return fail("mq_open");
    mq_close(q);
    return 0;
}

static void report(const char *kind, int id)
{
    printf("%s %s\n", kind, id >= 0 ? "present" : "absent");
}

static int find(key_t key, const char *name)
{
    report("shm", shmget(key, 0, 0));
    report("msg", msgget(key, 0));
    report("sem", semget(key, 0, 0));
    mqd_t q = mq_open(name, O_RDONLY);
    report("mq", q == (mqd_t)-1 ? -1 : 0);
    if (q != (mqd_t)-1)
        mq_close(q);
    return 0;
}

static int remove_all(key_t key, const char *name)
{
    int id;
    if ((id = shmget(key, 0, 0)) >= 0)
        shmctl(id, IPC_RMID, NULL);
    if ((id = msgget(key, 0)) >= 0)
        msgctl(id, IPC_RMID, NULL);
    if ((id = semget(key, 0, 0)) >= 0)
        semctl(id, 0, IPC_RMID);
    mq_unlink(name);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 4 || argv[3][0] == '\0') {
        fprintf(stderr, "usage: ipc_probe make|find|remove KEY NAME\n");
        return 2;
    }
    key_t key = (key_t)strtol(argv[2], NULL, 0);
    char name[256];
    snprintf(name, sizeof(name), "/%s", argv[3]);
    if (strcmp(argv[1], "make") == 0)
        return make(key, name);
    if (strcmp(argv[1], "find") == 0)
        return find(key, name);
    if (strcmp(argv[1], "remove") == 0)
        return remove_all(key, name);
    fprintf(stderr, "ipc_probe: unknown command %s\n", argv[1]);
    return 2;
}
