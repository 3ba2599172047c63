/* cgroup_systemd.h - the kit's delegated systemd scope (common/cgroup_systemd.c; used by
 * cgroup.c only). */
#ifndef KIT_CGROUP_SYSTEMD_H
#define KIT_CGROUP_SYSTEMD_H

#include <stdbool.h>
#include <stddef.h>

/* Is systemd the service manager here (sd_booted)? */
bool kit_systemd_running(void);

/* Put the calling process into the kit's transient scope unit (Delegate=yes), starting it if
 * needed, and write the unit's group (a path in the v2 tree mounted at V2_MOUNT, e.g.
 * /system.slice/kit.scope) to UNIT.  The caller is then at the unit's top or in its leaf
 * run-PID.  0, or -1 with a message printed. */
int kit_systemd_join_scope(const char *v2_mount, char *unit, size_t len);

#endif
