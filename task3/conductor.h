/* conductor.h - what the pieces of conductor share.
 *
 * State lives under one root (cfg.root, default /var/lib/conductor):
 *   lock                 flock(2)ed by every command that changes something
 *   images/NAME          one text file per image: its layers (bottom first), ENV, WORKDIR, CMD
 *   containers/NAME/     config, init (PID + start time), exit, upper/, work/, root/, log
 *   cache/layers/ID      one directory per layer, named by its content address
 *   cache/bases/         debootstrap bases (or cfg.bases, e.g. a CI-wide cache)
 *   tmp/PID.XXXXXX       work in progress; renamed into place when complete, so a conductor
 *                        killed half way leaves only a tmp dir that the next command deletes
 */
#ifndef CONDUCTOR_H
#define CONDUCTOR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NAME_MAX_LEN 64
#define LAYER_ID_LEN 16 /* hex digits kept of the SHA-256: short paths keep overlay options short */
#define MAX_LAYERS 200  /* ~17 bytes each in the one-page overlay options (overlay.c) */
#define MAX_LIST 128    /* ENV entries, CMD words */
#define ROOT_MAX_LEN 1024 /* CONDUCTOR_ROOT and _BASES: room below PATH_MAX for what is under them */

/* ---- configuration (config.c) ---- */
struct conductor_config {
    char root[PATH_MAX];
    char bases[PATH_MAX];
    char debian_mirror[512];
    char ubuntu_mirror[512];
    char subnet[64];    /* for the networking commands (task 3.c) */
    char interface[64]; /* the host's uplink for NAT (task 3.c) */
};
extern struct conductor_config cfg;
int config_load(void);

/* ---- the command table (commands.c) ---- */
struct command {
    const char *name;
    int (*run)(int argc, char **argv); /* argv[0] is the command name; returns the exit status */
    const char *usage;                 /* "run [-d] IMAGE NAME [-- CMD...]" */
    const char *help;                  /* one line for `conductor --help` */
};
extern const struct command commands[];
/* True if ARG is -h or --help; then prints the command's usage. */
bool wants_help(const struct command *cmd, int argc, char **argv);
const struct command *find_command(const char *name);
int usage_error(const char *command_name); /* prints "usage: ..." and returns 2 */

int cmd_build(int argc, char **argv);
int cmd_images(int argc, char **argv);
int cmd_rmi(int argc, char **argv);
int cmd_rmcache(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_addnetwork(int argc, char **argv); /* cmd_network.c */
int cmd_peer(int argc, char **argv);       /* cmd_network.c */

/* ---- state (state.c) ---- */
/* Names of images and containers: [A-Za-z0-9][A-Za-z0-9_.-]*, at most NAME_MAX_LEN chars.
 * Prints "conductor: invalid WHAT name 'X' ..." and returns false otherwise. */
bool valid_name(const char *what, const char *name);
bool valid_name_quiet(const char *name);
/* TEXT for a message: control characters, backslashes and non-ASCII bytes as \xNN, cut short
 * ("...") to fit LEN.  Returns BUF.  A name with a newline or an ESC sequence in it must not
 * reach a terminal raw. */
const char *printable(const char *text, char *buf, size_t len);
/* snprintf into BUF (PATH_MAX) of cfg.root + "/" + the formatted rest. */
char *state_path(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* ---- locks (lock.c): each returns an fd (O_CLOEXEC) to close to unlock, or -1 after a
 * message; a conductor that must wait says for what.  Order: cache, image, state. ---- */
/* The state lock, for short changes of images/ and containers/.  Creates the state
 * directories; deletes temp entries whose conductor died. */
int state_lock(void);
/* The layer cache: shared by builds, exclusive for what deletes layers (rmi, rmcache). */
int cache_lock(bool exclusive);
/* For what deletes layers (rmi, rmcache): the cache lock exclusively (no build may be
 * reading them), then the state lock.  0 with both fds set, or -1 with neither held. */
int layer_delete_locks(int *cache, int *state);
/* One build at a time per image NAME. */
int image_build_lock(const char *name);
/* The debootstrap bases' lock file PATH, while BASE is made. */
int bases_lock(const char *path, const char *base);
/* mkdtemp under tmp/ (named after our PID so a later conductor can tell it is abandoned). */
int state_tmpdir(char *out);
/* Write CONTENT to PATH atomically: a temp file in the same directory, then rename. */
int write_file_atomic(const char *path, const char *content);
/* Read a whole small file into a malloc'd string (NULL with errno). */
char *read_file(const char *path);
/* The same, refused (EFBIG) once more than MAX bytes were read: a file from /dev/zero, or a
 * huge one, never fills memory.  *LENGTH (if not NULL): the bytes read (a NUL among them
 * shows as LENGTH > strlen). */
char *read_file_limited(const char *path, size_t max, size_t *length);
int remove_tree(const char *path); /* rm -rf; 0 if it did not exist */
int mkdir_p(const char *path, mode_t mode);
bool path_exists(const char *path);
/* Bytes used by the files under PATH (not following symlinks). */
long long tree_size(const char *path);
/* Start time (clock ticks since boot, field 22 of /proc/PID/stat); 0 if no such process
 * or only its zombie is left.
 * PID + start time name a process without confusion with a later one reusing the PID. */
unsigned long long process_start_time(pid_t pid);
void format_time(long t, char *buf, size_t len);
void format_size(long long bytes, char *buf, size_t len);

/* ---- key=value records (record.c) ---- */
/* A record is the parsed text of a state file: one "key=value" per line, keys may repeat. */
struct record {
    int count;
    char *keys[MAX_LAYERS + 2 * MAX_LIST + 16]; /* an image: its layers, ENV, CMD, a few more */
    char *values[MAX_LAYERS + 2 * MAX_LIST + 16];
    char *text;
};
int record_load(struct record *rec, const char *path); /* -1 with errno */
const char *record_get(const struct record *rec, const char *key);
void record_free(struct record *rec);

/* ---- images (image.c) ---- */
struct image {
    char name[NAME_MAX_LEN + 1];
    int nlayers;
    char layers[MAX_LAYERS][LAYER_ID_LEN + 1]; /* bottom (base) first */
    long long layer_size[MAX_LAYERS];
    int nenv;
    char *env[MAX_LIST];
    char workdir[PATH_MAX];
    int ncmd;
    char *cmd[MAX_LIST];
    long created;
};
/* 0; -1 with errno ENOENT if there is no such image (no message). */
int image_load(const char *name, struct image *img);
int image_save(const struct image *img); /* images/NAME, atomically */
/* The same record at any path (a container keeps a copy of its image's). */
int image_read(const char *path, struct image *img);
int image_write(const struct image *img, const char *path);
void image_free(struct image *img);
/* Remove every layer that no image and no container refers to among CANDIDATES (or all layers
 * if CANDIDATES is NULL).  Call with the lock held. */
int layers_collect_garbage(const struct image *candidates);

/* ---- hashing (hash.c) ---- */
struct hasher;
struct hasher *hasher_new(void);
void hasher_add(struct hasher *h, const void *data, size_t len);
void hasher_add_str(struct hasher *h, const char *s); /* with its terminating NUL */
/* Write the first LAYER_ID_LEN hex digits of the digest to OUT and free H. */
void hasher_finish(struct hasher *h, char out[LAYER_ID_LEN + 1]);

/* ---- overlay (overlay.c) ---- */
/* Mount an overlay on TARGET: LAYERS (bottom first, ids under cache/layers) read-only, UPPER
 * (and WORK, its scratch dir on the same filesystem) writable on top.  Call in a private
 * mount namespace. */
int mount_layers(const struct image *img, const char *upper, const char *work,
                 const char *target);

/* ---- build steps (build_copy.c, build_run.c) ---- */
struct build_step {
    const char *file; /* the Conductorfile, for messages */
    int line;
    const char *context; /* realpath of the build context */
    const struct image *below; /* the layers below this step, ENV and WORKDIR so far */
    const char *upper, *work, *merged; /* the new layer and where the overlay is mounted */
};
/* Check COPY's sources (inside the context, no escaping symlinks) and add their names, modes
 * and contents to H.  -1 with the message printed. */
int copy_hash_sources(const struct build_step *step, char **srcs, int nsrcs, struct hasher *h);
int copy_step(const struct build_step *step, char **srcs, int nsrcs, const char *dest);
int run_step(const struct build_step *step, const char *command);

/* ---- debootstrap bases (bases.c) ---- */
/* Make sure cfg.bases/DISTRO-SUITE holds a debootstrapped DISTRO SUITE (made once, in PID and
 * mount namespaces of its own); its path into BASE (PATH_MAX).  -1 after a message. */
int ensure_debootstrap_base(const char *distro, const char *suite, char *base);
/* Remove what killed builds left in cfg.bases (temp dirs, mounts on them).  Call with the
 * cache lock held exclusively, on bases of our own root only: no debootstrap is under way. */
int bases_remove_abandoned(void);

/* ---- containers (container.c) ---- */
struct container {
    char name[NAME_MAX_LEN + 1];
    char dir[PATH_MAX];
    char image[NAME_MAX_LEN + 1];
    char cgroup_name[2 * NAME_MAX_LEN];
    pid_t init_pid;                  /* 0 if never started */
    bool running;
    int exit_code;                   /* -1 if unknown */
    long created;
};
/* 0; -1 with errno ENOENT if there is no such container. */
int container_load(const char *name, struct container *c);
/* Kill the container's processes, remove its cgroup and its state (lock held). */
int container_remove(struct container *c);
/* Name of the container's cgroup below the caller's: unique per state root and name. */
void container_cgroup_name(const char *name, char *buf, size_t len);
/* Environment for a process in a container of IMG: its ENV over a default PATH/HOME/TERM. */
char **container_environment(const struct image *img, const char *hostname);
/* exec from a terminal (exec_pty.c): fork CHILD(ARG), which must exec, with a new pty of the
 * container's devpts as its controlling terminal, and relay the caller's terminal to it until
 * it exits.  Call it inside the container's mount namespace and root.  Its exit status. */
int exec_in_pty(void (*child)(void *), void *arg);

/* ---- hardening (harden.c): run --read-only and --user, kept in the container's config ---- */
struct hardening {
    bool read_only; /* --read-only */
    bool user_set;  /* --user given: uid and gid below */
    uid_t uid;
    gid_t gid;
};
/* --user's "UID" or "UID:GID" (numbers; GID 0 when left out) into H: 0, or -1 after a message. */
int parse_user(const char *text, struct hardening *h);
/* H as config lines ("readonly=1", "user=UID:GID") into BUF: 0, or -1 if they do not fit. */
int hardening_format(const struct hardening *h, char *buf, size_t len);
/* H from the config file CONFIG (none given: all false).  0, or -1 after a message. */
int hardening_load(const char *config, struct hardening *h);
/* 3.g: in the container, after pivot_root: "/" and the files bound on it read-only, a tmpfs
 * on /tmp.  0, or -1 after a message. */
int make_root_read_only(void);
/* 3.h: UID and GID for good, no supplementary groups (as root, before exec).  0, or -1. */
int become_user(uid_t uid, gid_t gid);

/* ---- diff (diff.c): `conductor diff NAME`, the container's upper dir as A/C/D lines ---- */
int cmd_diff(int argc, char **argv);

/* Hooks for the networking commands (engineer D, task 3.c).  The defaults here are weak and do
 * nothing; cmd_network.c may define the real ones.  on_start runs after the container's init
 * exists (its netns is /proc/PID/ns/net) and before its command starts; teardown runs in stop. */
int conductor_network_on_start(const char *name, pid_t init_pid);
int conductor_network_teardown(const char *name);

#endif
