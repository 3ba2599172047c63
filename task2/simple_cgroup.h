/* simple_cgroup.h - simple_container's CPU cgroup, written by hand in the cgroup file system
 * (part 2.3).  Every function works on directories it is given, so the grader can also call it
 * on a fake tree of the other cgroup version than the machine's.
 *
 * A cgroup is a directory of cgroupfs; its files are the knobs.  kit/cgroup.h only says where
 * to make groups (kit_cgroup_parent_dir) and which version this machine has
 * (kit_cgroup_detect); everything below is yours.  See docs/task2.md, step 4.
 */
#ifndef SIMPLE_CGROUP_H
#define SIMPLE_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

/* Write TEXT to the file DIR/FILE in one write(2).  0, or -1 with a message printed. */
int cgroup_write(const char *dir, const char *file, const char *text);

/* Make the group PARENT/NAME and put its path in GROUP (LEN bytes).  VERSION is 1 or 2 (as
 * kit_cgroup_detect() says).  On v2 the group only gets the cpu files when PARENT hands the cpu
 * controller down to its children.  A group of that name left by a run that was killed is
 * reused.  0, or -1 with a message printed. */
int cgroup_make(int version, const char *parent, const char *name, char *group, size_t len);

/* Let the group's processes run QUOTA_US microseconds of CPU in every PERIOD_US. */
int cpu_limit_v2(const char *group, long quota_us, long period_us);
int cpu_limit_v1(const char *group, long quota_us, long period_us);

/* Move process PID into GROUP (the same on v1 and v2). */
int cgroup_join(const char *group, pid_t pid);

/* Remove GROUP once its processes are gone (they may still be exiting for a moment). */
int cgroup_remove(const char *group);

/* Put PID in a new group NAME below the directory the kit says to use, limited to QUOTA_US of
 * every PERIOD_US, on this machine's cgroup version; its path goes to GROUP.  On failure the
 * group is removed again.  0, or -1 with a message printed. */
int cpu_cap(pid_t pid, const char *name, long quota_us, long period_us, char *group,
            size_t len);

#endif
