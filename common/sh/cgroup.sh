# cgroup.sh - cgroup *discovery* for the kit's shell programs (source it; bash).
#
#   kit_cgroup_delegate CONTROLLER "$0" "$@"
#                                   call first thing: on a systemd machine whose CONTROLLER
#                                   is on cgroup v2, re-runs the script in a delegated scope
#   kit_cgroup_parent CONTROLLER    print the directory in which the script may create its
#                                   own groups for CONTROLLER (pids, cpu, memory)
#   kit_cgroup_mount CONTROLLER     print where the hierarchy holding CONTROLLER is mounted
#                                   (a path in /proc/PID/cgroup is relative to it)
#
# Where the kit may make groups, and why (docs/ARCHITECTURE.md, "Cgroups"):
#  - cgroup v1 (and hybrid): a hierarchy per controller; the script's own group in the one
#    holding CONTROLLER.
#  - cgroup v2: one tree, where a group that holds processes cannot hand controllers to
#    children ("no internal processes"), so the parent must be empty.  Under systemd the
#    groups belong to systemd, which hands a subtree over only through delegation: like runc,
#    crun and podman, the script asks systemd for a transient scope with Delegate=yes
#    (systemd-run --scope), then moves itself into a leaf of it, so the scope's top is empty.
#    The grader gives an empty parent of its own in KIT_CGROUP_PARENT (a path in the v2 tree).
#  - v2 without systemd: the script's own group, its processes first moved into a leaf child.

_kit_v2_mount() { awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts; }

# Where the v1 hierarchy holding CONTROLLER is mounted (nothing on pure v2).
_kit_v1_mount() {
    awk -v c="$1" '$3 == "cgroup" && ("," $4 ",") ~ ("," c ",") { print $2; exit }' /proc/self/mounts
}

# The v1 hierarchy holding CONTROLLER: its mount point and this process's path in it.
_kit_v1_dir() {
    local mnt path
    mnt=$(_kit_v1_mount "$1")
    path=$(awk -F: -v c="$1" '("," $2 ",") ~ ("," c ",") { print $3; exit }' /proc/self/cgroup)
    [ -n "$mnt" ] && [ -n "$path" ] && echo "$mnt${path%/}"
}

kit_cgroup_mount() {
    local v1
    v1=$(_kit_v1_mount "$1")
    [ -n "$v1" ] && echo "$v1" || _kit_v2_mount
}

kit_cgroup_delegate() {
    local controller=$1
    shift
    [ -z "${KIT_CGROUP_PARENT:-}" ] && [ -z "${KIT_CGROUP_SCOPE:-}" ] || return 0
    [ -d /run/systemd/system ] && [ -n "$(_kit_v2_mount)" ] || return 0
    [ -z "$(_kit_v1_dir "$controller")" ] || return 0  # hybrid: v1 holds the controller
    command -v systemd-run >/dev/null || return 0
    export KIT_CGROUP_SCOPE=1
    exec systemd-run --quiet --scope --collect -p Delegate=yes -- "$@"
}

# Move every process of group DIR into DIR/LEAF (v2: a group handing controllers down must
# hold none itself).
# The list is read whole before moving: moving processes out of cgroup.procs while reading it
# shifts the entries and skips some.  Passes repeat until the group is empty (read is a
# builtin: it forks no process into the group it checks).
_kit_empty_into_leaf() {
    local pid pids pass
    mkdir -p "$1/$2" || return 1
    for pass in 1 2 3 4 5; do
        read -r pid <"$1/cgroup.procs" || return 0
        pids=$(cat "$1/cgroup.procs")
        for pid in $pids; do
            echo "$pid" >"$1/$2/cgroup.procs" 2>/dev/null || true  # it may just have exited
        done
    done
    ! read -r pid <"$1/cgroup.procs" || { echo "kit: cannot empty $1 into $2" >&2; return 1; }
}

kit_cgroup_parent() {
    local mnt own
    own=$(_kit_v1_dir "$1") && { echo "$own"; return 0; }
    mnt=$(_kit_v2_mount)
    [ -n "$mnt" ] || { echo "kit: no cgroup hierarchy holds $1" >&2; return 1; }
    if [ -n "${KIT_CGROUP_PARENT:-}" ]; then
        own=$mnt$KIT_CGROUP_PARENT        # empty already: the grader made it for us
    else
        own=$mnt$(awk -F: '$1 == "0" { print $3; exit }' /proc/self/cgroup)
        own=${own%/}
        _kit_empty_into_leaf "$own" kit-leaf || return 1
    fi
    # v2 hands a controller's files (pids.max ...) only to the children of a group that lists
    # it in cgroup.subtree_control.
    echo "+$1" >"$own/cgroup.subtree_control" ||
        { echo "kit: cannot enable $1 for the children of $own" >&2; return 1; }
    echo "$own"
}
