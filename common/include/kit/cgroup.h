/* cgroup.h - one interface over cgroup v2 and v1.
 *
 * The layout is detected at run time from /proc/self/mountinfo and /proc/self/cgroup:
 *   - v2 ("unified"): one hierarchy; a controller is usable in a group only when the parent
 *     lists it in cgroup.subtree_control, and a group with children may not hold processes
 *     (the "no internal processes" rule), so limits go on a leaf.
 *   - v1 / hybrid: one hierarchy per controller (cpu, memory, pids ... under
 *     /sys/fs/cgroup/<controller>); a v2 mount without those controllers is ignored.
 * A group is created where kit_cgroup_parent_dir() says: below the cgroup the caller is in
 * (never at the hierarchy root), so the kit works inside a confined parent - except under
 * systemd on v2, where it is the kit's own delegated scope unit (docs/ARCHITECTURE.md).
 */
#ifndef KIT_CGROUP_H
#define KIT_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum kit_cgroup_version { KIT_CGROUP_NONE = 0, KIT_CGROUP_V1 = 1, KIT_CGROUP_V2 = 2 };

struct kit_cgroup; /* opaque */

/* For unit tests: look for mountinfo, /proc/self/cgroup and the cgroup mounts under a fake
 * tree.  FS_ROOT is prefixed to every cgroup mount point; MOUNTINFO and SELF_CGROUP replace
 * /proc/self/mountinfo and /proc/self/cgroup.  Pass NULLs to go back to the real system. */
void kit_cgroup_use_fake_system(const char *fs_root, const char *mountinfo,
                                const char *self_cgroup);

/* Which layout the cpu, memory and pids controllers live in here. */
enum kit_cgroup_version kit_cgroup_detect(void);

/* The directory in which this program may create its own cgroups for CONTROLLER ("cpu",
 * "memory" or "pids"): on v1 the caller's group in that controller's hierarchy; on v2 one
 * directory for every controller that holds no processes and lists cpu, memory and pids (those
 * the kernel has) in its cgroup.subtree_control, so a group made in it has cpu.max,
 * memory.max, pids.max.  Under systemd on v2 it is a delegated unit of the kit's own (see
 * ARCHITECTURE.md); elsewhere below the caller's group.  Writes the path to OUT.
 * 0, or -1 with a message printed. */
int kit_cgroup_parent_dir(const char *controller, char *out, size_t len);

/* Create NAME (one path component, or a/b for nesting) in kit_cgroup_parent_dir(), in every
 * hierarchy that holds cpu, cpuacct, memory or pids (v1), or once (v2: a runner's
 * KIT_CGROUP_PARENT, a path relative to the v2 mount; under systemd the kit's scope unit;
 * otherwise the caller's own group, enabling the controllers in subtree_control from the top
 * of the hierarchy down - if the caller's group holds processes they are first moved into its
 * child "kit-leaf", and destroy moves them back when no other group is left there).  An
 * existing group of that name is reused.
 * NULL with a message printed on failure. */
struct kit_cgroup *kit_cgroup_create(const char *name);

/* Limits.  CPU: QUOTA_US of every PERIOD_US (50000/100000 = half of one core); quota < 0 means
 * no limit.  Memory in bytes, < 0 no limit (memory plus swap is held to the same amount where
 * the kernel allows - v1 memsw, v2 swap.max 0 - so a hog is OOM-killed rather than swapped).
 * Pids: at most MAX tasks, < 0 no limit. */
int kit_cgroup_set_cpu(struct kit_cgroup *cg, long quota_us, long period_us);
int kit_cgroup_set_memory(struct kit_cgroup *cg, long long bytes);
int kit_cgroup_set_pids(struct kit_cgroup *cg, long max);

/* Move process PID into the group (every hierarchy). */
int kit_cgroup_add(struct kit_cgroup *cg, pid_t pid);

/* CPU time used by the group's processes so far, in microseconds. */
int kit_cgroup_cpu_usage_us(struct kit_cgroup *cg, unsigned long long *usec);

/* How many times the OOM killer killed a process of the group (v2 memory.events oom_kill,
 * v1 memory.oom_control oom_kill).  0 when unknown. */
int kit_cgroup_oom_kills(struct kit_cgroup *cg, unsigned long long *count);

/* Directory of the group in the hierarchy holding CONTROLLER ("cpu", "memory", "pids"), e.g. to
 * show students where the files are.  NULL if that controller is not available. */
const char *kit_cgroup_path(struct kit_cgroup *cg, const char *controller);

/* Kill every process still in the group (SIGKILL), wait until it is empty (rmdir fails with
 * EBUSY while tasks are exiting), remove its directories, and free CG.  0 on success. */
int kit_cgroup_destroy(struct kit_cgroup *cg);

/* Free CG without touching the system (the group stays). */
void kit_cgroup_free(struct kit_cgroup *cg);

#endif
