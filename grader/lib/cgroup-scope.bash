# cgroup-scope.bash - the grader's own cgroups (sourced by grader/grade).
#
# scope_create NAME   make NAME below the grader's cgroup in every hierarchy that matters
#                     (v1: cpu, cpuacct, memory, pids; v2: the unified tree)
# scope_run SUITE CMD run CMD in a fresh child group SUITE of the scope
# scope_reap SUITE    kill what SUITE left running, remove its groups; print what was left
# scope_destroy       reap everything and remove the scope
#
# Kernel rules that shape this:
#  - cgroup v1 has one tree per controller, and a process is in one group of each tree.
#  - cgroup v2 forbids a group with processes from handing controllers to its children
#    ("no internal processes"), so on v2 programs under test get an empty parent of their own
#    (KIT_CGROUP_PARENT, a path in the v2 tree) instead of the group bats runs in.
#  - A v2 group can enable a controller for its children only if its parent enabled it for it;
#    the scope therefore lives at the nearest ancestor that holds no processes, where the
#    controllers can be switched on all the way down.

SCOPE_DIRS=()  # absolute path of the scope in each hierarchy
SCOPE_V2=""    # absolute path of the scope in the v2 tree, if there is one
SCOPE_V2_MNT=""

. "$(dirname "${BASH_SOURCE[0]}")/cgroupfs.bash"

_has_processes() { [ -s "$1/cgroup.procs" ]; }

scope_create() {
    local name=$1 id ctrls path mnt dir
    while IFS=: read -r id ctrls path; do
        if [ "$id" = 0 ]; then
            mnt=$(cgroup2_mount)
            [ -n "$mnt" ] || continue
            dir=$mnt$path
            # Walk up to an ancestor without processes (or the root) - see the rules above.
            while [ "$dir" != "$mnt" ] && _has_processes "$dir"; do dir=$(dirname "$dir"); done
            SCOPE_V2_MNT=$mnt SCOPE_V2=$dir/$name
            mkdir -p "$SCOPE_V2" || return 1
            _v2_enable_down_to "$SCOPE_V2"
            SCOPE_DIRS+=("$SCOPE_V2")
        else
            case ",$ctrls," in
            *,cpu,* | *,cpuacct,* | *,memory,* | *,pids,*) ;;
            *) continue ;;
            esac
            mnt=$(cgroup1_mount "$ctrls")
            [ -n "$mnt" ] || continue
            mkdir -p "$mnt$path/$name" || return 1
            SCOPE_DIRS+=("$mnt$path/$name")
        fi
    done </proc/self/cgroup
    [ ${#SCOPE_DIRS[@]} -gt 0 ] || { echo "grade: no cgroup hierarchy found" >&2; return 1; }
}

# Enable cpu, memory and pids for the children of every group from the v2 root down to DIR.
_v2_enable_down_to() {
    local dir=$SCOPE_V2_MNT part
    _v2_enable_for_children "$dir"
    for part in $(tr '/' ' ' <<<"${1#"$SCOPE_V2_MNT"}"); do
        dir=$dir/$part
        _v2_enable_for_children "$dir"
    done
}

_v2_enable_for_children() {
    local c
    for c in cpu memory pids; do
        grep -qw "$c" "$1/cgroup.controllers" 2>/dev/null &&
            echo "+$c" >"$1/cgroup.subtree_control" 2>/dev/null
    done
    return 0
}

scope_run() {
    local suite=$1 d
    shift
    local procs=()
    for d in "${SCOPE_DIRS[@]}"; do
        mkdir -p "$d/$suite" && procs+=("$d/$suite/cgroup.procs")
    done
    if [ -n "$SCOPE_V2" ]; then
        mkdir -p "$SCOPE_V2/work-$suite"
        export KIT_CGROUP_PARENT=${SCOPE_V2#"$SCOPE_V2_MNT"}/work-$suite
    fi
    (
        for d in "${procs[@]}"; do echo "$BASHPID" >"$d"; done
        exec "$@"
    )
}

# Every process in the groups below DIR (recursively).
_procs_below() { find "$1" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -un; }

scope_reap() {
    local suite=$1 d
    local groups=()
    for d in "${SCOPE_DIRS[@]}"; do
        [ -d "$d/$suite" ] && groups+=("$d/$suite")
        [ -d "$d/work-$suite" ] && groups+=("$d/work-$suite")
    done
    _reap "${groups[@]}"
}

# _reap GROUP... : print, then kill, every process still below the groups; print and remove
# the cgroups left below them; remove the groups themselves.
_reap() {
    local d pid sub
    for d in "$@"; do
        for pid in $(_procs_below "$d"); do
            printf 'process %s left running: %s\n' "$pid" \
                "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)"
        done
    done | sort -u
    for _ in $(seq 50); do
        local left=""
        for d in "$@"; do left+=" $(_procs_below "$d")"; done
        [ -z "${left// /}" ] && break
        kill -9 $left 2>/dev/null
        sleep 0.1
    done
    for d in "$@"; do
        # Groups the programs created and did not remove (deepest first).
        find "$d" -mindepth 1 -depth -type d | while read -r sub; do
            printf 'cgroup left behind: %s\n' "${sub#"$d"/}"
            _rmdir_cgroup "$sub"
        done
        _rmdir_cgroup "$d"
    done
}

# rmdir a cgroup, retrying while its last processes finish exiting (EBUSY), for up to 5 s.
_rmdir_cgroup() {
    local tries
    for tries in $(seq 50); do
        rmdir "$1" 2>/dev/null && return 0
        [ -d "$1" ] || return 0
        sleep 0.1
    done
    echo "grade: cannot remove cgroup $1" >&2
    return 1
}

# Everything still in the scope (a run stopped half way) goes, then the scope itself.
scope_destroy() {
    local d
    for d in "${SCOPE_DIRS[@]}"; do
        [ -d "$d" ] && _reap "$d" >/dev/null
    done
    return 0
}
