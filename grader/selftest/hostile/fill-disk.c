/* fill-disk: takes 3 GiB of disk in /var/tmp and at the top of the root filesystem, and
 * leaves it there (a real attack would take it all; this one stops where the self-test can
 * afford it).  In the jail the root filesystem is read-only and /var/tmp is the run's own:
 * the grader must find the space gone, name the file and void the task, and nothing may be
 * left on the machine after the run. */
static void fill(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    if (fd >= 0) {
        posix_fallocate(fd, 0, 3LL << 30);
        close(fd);
    }
}

int main(void)
{
    fill("/var/tmp/kit-hostile-fill");
    fill("/kit-hostile-fill");
    return 0;
}
