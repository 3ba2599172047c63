/* config.c - conductor's settings: one key=value file (like a setup.sh), each key overridable
 * by an environment variable of the same name (which is what the tests use).
 *
 *   CONDUCTOR_CONFIG         the file itself (default /etc/conductor/conductor.conf)
 *   CONDUCTOR_ROOT           state root (default /var/lib/conductor)
 *   CONDUCTOR_BASES          debootstrap bases (default $CONDUCTOR_ROOT/cache/bases)
 *   CONDUCTOR_DEBIAN_MIRROR  default: the first URIs: of the host's apt sources
 *   CONDUCTOR_UBUNTU_MIRROR  default: http://archive.ubuntu.com/ubuntu
 *   CONDUCTOR_SUBNET         container network (task 3.c), default 10.88.0.0/16
 *   CONDUCTOR_INTERFACE      host uplink for NAT (task 3.c), default: none (chosen by route)
 */
#include "conductor.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kit/err.h"

struct conductor_config cfg;

static const struct {
    const char *key;
    size_t offset;
    size_t size;
} settings[] = {
#define SETTING(key, field) {key, offsetof(struct conductor_config, field), sizeof(cfg.field)}
    SETTING("CONDUCTOR_ROOT", root),
    SETTING("CONDUCTOR_BASES", bases),
    SETTING("CONDUCTOR_DEBIAN_MIRROR", debian_mirror),
    SETTING("CONDUCTOR_UBUNTU_MIRROR", ubuntu_mirror),
    SETTING("CONDUCTOR_SUBNET", subnet),
    SETTING("CONDUCTOR_INTERFACE", interface),
#undef SETTING
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static int set_value(const char *key, const char *value)
{
    for (size_t i = 0; i < NSETTINGS; i++) {
        if (strcmp(settings[i].key, key) != 0)
            continue;
        char *field = (char *)&cfg + settings[i].offset;
        if (strlen(value) >= settings[i].size)
            return kit_fail("%s: value too long", key);
        strcpy(field, value);
        return 0;
    }
    return kit_fail("unknown setting '%s'", key);
}

/* The mirror the host's apt uses: deb822 sources ("URIs: http://...") or a classic
 * sources.list line ("deb http://... bookworm main"). */
static void host_debian_mirror(char *out, size_t len)
{
    snprintf(out, len, "http://deb.debian.org/debian");
    FILE *f = fopen("/etc/apt/sources.list.d/debian.sources", "re");
    char line[1024];
    if (f) {
        while (fgets(line, sizeof(line), f)) {
            char uri[512];
            if (sscanf(line, "URIs: %511s", uri) == 1) {
                snprintf(out, len, "%s", uri);
                break;
            }
        }
        fclose(f);
        return;
    }
    f = fopen("/etc/apt/sources.list", "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        char uri[512];
        if (sscanf(line, "deb %511s", uri) == 1 && strncmp(uri, "http", 4) == 0) {
            snprintf(out, len, "%s", uri);
            break;
        }
    }
    fclose(f);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        *--end = '\0';
    return s;
}

static int load_file(const char *path, bool must_exist)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno == ENOENT && !must_exist)
            return 0;
        return kit_fail_errno("config %s", path);
    }
    char buf[1024];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(buf, sizeof(buf), f)) {
        lineno++;
        if (!strchr(buf, '\n') && !feof(f)) {
            rc = kit_fail("%s:%d: line longer than %zu characters", path, lineno, sizeof(buf) - 2);
            break;
        }
        char *line = trim(buf);
        if (*line == '\0' || *line == '#')
            continue;
        if (strncmp(line, "export ", 7) == 0)
            line = trim(line + 7);
        char *eq = strchr(line, '=');
        if (!eq) {
            rc = kit_fail("%s:%d: expected KEY=value", path, lineno);
            break;
        }
        *eq = '\0';
        char *value = trim(eq + 1);
        size_t n = strlen(value); /* allow KEY="value" as in a shell script */
        if (n >= 2 && (value[0] == '"' || value[0] == '\'') && value[n - 1] == value[0]) {
            value[n - 1] = '\0';
            value++;
        }
        if (set_value(trim(line), value) < 0)
            rc = kit_fail("%s:%d: bad setting", path, lineno);
    }
    fclose(f);
    return rc;
}

int config_load(void)
{
    memset(&cfg, 0, sizeof(cfg));
    snprintf(cfg.root, sizeof(cfg.root), "/var/lib/conductor");
    host_debian_mirror(cfg.debian_mirror, sizeof(cfg.debian_mirror));
    snprintf(cfg.ubuntu_mirror, sizeof(cfg.ubuntu_mirror), "http://archive.ubuntu.com/ubuntu");
    snprintf(cfg.subnet, sizeof(cfg.subnet), "10.88.0.0/16");

    const char *file = getenv("CONDUCTOR_CONFIG");
    if (load_file(file ? file : "/etc/conductor/conductor.conf", file != NULL) < 0)
        return -1;
    for (size_t i = 0; i < NSETTINGS; i++) {
        const char *value = getenv(settings[i].key);
        if (value && set_value(settings[i].key, value) < 0)
            return -1;
    }
    /* Every state path is the root plus at most ~200 characters (a container's name twice,
     * a layer id, a file name) in a PATH_MAX buffer: a longer root would be cut short and
     * name another directory than the one meant, which remove_tree would then delete. */
    if (cfg.root[0] != '/' || strlen(cfg.root) > ROOT_MAX_LEN)
        return kit_fail("CONDUCTOR_ROOT must be an absolute path of at most %d characters",
                        ROOT_MAX_LEN);
    if (cfg.bases[0] == '\0')
        snprintf(cfg.bases, sizeof(cfg.bases), "%s/cache/bases", cfg.root);
    if (cfg.bases[0] != '/' || strlen(cfg.bases) > ROOT_MAX_LEN)
        return kit_fail("CONDUCTOR_BASES must be an absolute path of at most %d characters",
                        ROOT_MAX_LEN);
    return 0;
}
