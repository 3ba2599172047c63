/* cgroup_systemd.c - on a systemd machine with cgroup v2, a delegated group of the kit's own.
 *
 * systemd owns the v2 tree: every group it made belongs to a unit, and it may move processes
 * back or remove groups it does not know about.  A program may arrange a subtree only if
 * systemd *delegated* it (Delegate=yes).  As runc's and crun's systemd drivers and podman do,
 * the kit asks systemd over D-Bus for a transient scope unit with Delegate=yes holding the
 * calling process: KIT_SCOPE_UNIT.  Every kit program joins that one unit (so conductor finds
 * a container's group again in its next run): the first starts it (StartTransientUnit), the
 * others attach themselves to it (AttachProcessesToUnit).  Inside, each program moves itself
 * into a leaf of its own, "run-PID", so the unit's top holds no processes and can hand cpu,
 * memory and pids down to the groups the program makes beside it ("no internal processes").
 * systemd stops the scope and removes its whole tree once no process is left in it.
 */
#include "cgroup_systemd.h"
#include "kit/err.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#define KIT_SCOPE_UNIT "kit.scope"
/* How long systemd may take to start the unit (a slow, busy machine). */
#define JOIN_TIMEOUT_MS 30000

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

bool kit_systemd_running(void)
{
    /* What sd_booted(3) checks: systemd creates this directory when it is PID 1. */
    return access("/run/systemd/system", F_OK) == 0;
}

/* The manager's bus: its private socket as root (what systemctl uses; there even without a
 * D-Bus daemon, as in minimal systems), else the system bus. */
static int open_manager_bus(sd_bus **bus)
{
    if (sd_bus_new(bus) >= 0) {
        if (sd_bus_set_address(*bus, "unix:path=/run/systemd/private") >= 0 &&
            sd_bus_start(*bus) >= 0)
            return 0;
        *bus = sd_bus_unref(*bus);
    }
    return sd_bus_open_system(bus);
}

/* StartTransientUnit(KIT_SCOPE_UNIT, "fail", [Delegate, PIDs, ...], []): a scope holding us. */
static int start_scope(sd_bus *bus, sd_bus_error *error)
{
    sd_bus_message *m = NULL, *reply = NULL;
    int r = sd_bus_message_new_method_call(bus, &m, "org.freedesktop.systemd1",
                                           "/org/freedesktop/systemd1",
                                           "org.freedesktop.systemd1.Manager",
                                           "StartTransientUnit");
    if (r >= 0)
        r = sd_bus_message_append(m, "ss", KIT_SCOPE_UNIT, "fail");
    if (r >= 0)
        r = sd_bus_message_append(
            m, "a(sv)", 4, "Description", "s", "cgroups of the container kit's programs",
            "Delegate", "b", 1, "PIDs", "au", 1, (uint32_t)getpid(), "CollectMode", "s",
            "inactive-or-failed");
    if (r >= 0)
        r = sd_bus_message_append(m, "a(sa(sv))", 0);
    if (r >= 0)
        r = sd_bus_call(bus, m, 0, error, &reply);
    sd_bus_message_unref(m);
    sd_bus_message_unref(reply);
    return r;
}

/* Into the running unit, at its leaf run-PID (its top may already hand controllers down, and
 * then takes no process).  The leaf is made first, in the unit's group (its ControlGroup
 * property) below V2_MOUNT; then systemd attaches us (AttachProcessesToUnit).  Should this
 * systemd not do that, the delegated subtree is ours: we move ourselves by cgroup.procs. */
static int attach_to_scope(sd_bus *bus, const char *v2_mount, sd_bus_error *error)
{
    char *group = NULL, leaf[4096], suffix[64], pid[32];
    int r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1",
                                       "/org/freedesktop/systemd1/unit/kit_2escope",
                                       "org.freedesktop.systemd1.Scope", "ControlGroup", error,
                                       &group);
    if (r < 0)
        return r;
    if (!strstr(group, "/" KIT_SCOPE_UNIT)) { /* "" while the unit is stopping: try again */
        free(group);
        return -ENOENT;
    }
    snprintf(suffix, sizeof(suffix), "/run-%d", (int)getpid());
    int n = snprintf(leaf, sizeof(leaf), "%s%s%s", v2_mount, group, suffix);
    free(group);
    if (n < 0 || (size_t)n >= sizeof(leaf) - strlen("/cgroup.procs"))
        return -ENAMETOOLONG;
    if (mkdir(leaf, 0755) < 0 && errno != EEXIST)
        return -errno;
    r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                           "org.freedesktop.systemd1.Manager", "AttachProcessesToUnit", error,
                           NULL, "ssau", KIT_SCOPE_UNIT, suffix, 1, (uint32_t)getpid());
    if (r >= 0)
        return r;
    snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
    strcat(leaf, "/cgroup.procs");
    int fd = open(leaf, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return r;
    ssize_t written = write(fd, pid, strlen(pid));
    close(fd);
    if (written < 0)
        return r;
    sd_bus_error_free(error);
    return 0;
}

/* Our v2 group from /proc/self/cgroup ("0::/path") into OUT. */
static int own_v2_path(char *out, size_t len)
{
    FILE *f = fopen("/proc/self/cgroup", "re");
    if (!f)
        return -1;
    char line[4096];
    int rc = -1;
    while (rc < 0 && fgets(line, sizeof(line), f))
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = '\0';
            rc = (size_t)snprintf(out, len, "%s", line + 3) < len ? 0 : -1;
        }
    fclose(f);
    return rc;
}

/* If our group is KIT_SCOPE_UNIT or below it, its path (cut after the unit) into UNIT. */
static bool in_kit_scope(char *unit, size_t len)
{
    char path[4096];
    if (own_v2_path(path, sizeof(path)) < 0)
        return false;
    char *at = strstr(path, "/" KIT_SCOPE_UNIT);
    if (!at || (at[strlen("/" KIT_SCOPE_UNIT)] != '/' && at[strlen("/" KIT_SCOPE_UNIT)] != '\0'))
        return false;
    at[strlen("/" KIT_SCOPE_UNIT)] = '\0';
    return (size_t)snprintf(unit, len, "%s", path) < len;
}

/* One attempt: start the unit, or attach to it when it is there already.  systemd runs the
 * start as a job: wait until the kernel shows us in the unit.  On failure WHY says why. */
static int join_once(sd_bus *bus, const char *v2_mount, char *unit, size_t len, char *why,
                     size_t why_len)
{
    sd_bus_error error = SD_BUS_ERROR_NULL;
    int r = start_scope(bus, &error);
    if (r < 0 && sd_bus_error_has_name(&error, "org.freedesktop.systemd1.UnitExists")) {
        sd_bus_error_free(&error);
        r = attach_to_scope(bus, v2_mount, &error);
    }
    if (r < 0) {
        snprintf(why, why_len, "%s", error.message ? error.message : strerror(-r));
        sd_bus_error_free(&error);
        errno = -r;
        return -1;
    }
    for (long waited = 0; waited < JOIN_TIMEOUT_MS; waited += 10) {
        if (in_kit_scope(unit, len))
            return 0;
        sleep_ms(10);
    }
    snprintf(why, why_len, "started, but this program is not in it after %d ms",
             JOIN_TIMEOUT_MS);
    errno = ETIMEDOUT;
    return -1;
}

int kit_systemd_join_scope(const char *v2_mount, char *unit, size_t len)
{
    if (in_kit_scope(unit, len))
        return 0;
    sd_bus *bus = NULL;
    int r = open_manager_bus(&bus);
    if (r < 0) {
        errno = -r;
        return kit_fail_errno("systemd: cannot reach the service manager's bus");
    }
    /* The unit may be stopping (its last process just left) while we ask: try again. */
    int rc = -1;
    char why[512] = "";
    for (int attempt = 0; attempt < 5 && rc < 0; attempt++) {
        if (attempt > 0)
            sleep_ms(200);
        rc = join_once(bus, v2_mount, unit, len, why, sizeof(why));
    }
    sd_bus_flush_close_unref(bus);
    if (rc < 0)
        kit_fail("systemd: cannot put this program in %s: %s", KIT_SCOPE_UNIT, why);
    return rc;
}
