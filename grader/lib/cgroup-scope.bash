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
#  - A v2 group can enable a controller for its children only if its parent enabled it for it.
#  - cgroupfs files report size 0 whatever they hold: read them, never test them with -s.
# Where the v2 scope goes:
#  - under systemd, grader/grade runs itself in a transient scope unit with Delegate=yes
#    (systemd-run --scope, KIT_GRADER_DELEGATED=1): that group is ours.  The grader moves
#    itself into its child "grader" so the scope's top is empty, and the scope is made beside
#    it.  systemd removes the unit's whole tree when its last process exits.
#  - elsewhere (no systemd, a container) at the nearest ancestor that holds no processes,
#    with the controllers switched on from the top down.

SCOPE_DIRS=()  # absolute path of the scope in each hierarchy
SCOPE_V2=""    # absolute path of the scope in the v2 tree, if there is one
SCOPE_V2_MNT=""
SCOPE_WANT="cpu memory pids" # v2 controllers the programs under test need

. "$(dirname "${BASH_SOURCE[0]}")/cgroupfs.bash"

# Is this a systemd machine on cgroup v2 that gives the grader a delegated scope?  (It tries
# one: systemd-run needs the manager's bus, which a container or chroot may not have.)
scope_systemd_v2() {
    [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] && [ -d /run/systemd/system ] &&
        command -v systemd-run >/dev/null &&
        systemd-run --quiet --scope --collect -p Delegate=yes true >/dev/null 2>&1
}

# Does the group DIR hold a process of its own?  (Read, not -s: see above.)
_has_processes() {
    local pid=""
    read -r pid <"$1/cgroup.procs" 2>/dev/null
    [ -n "$pid" ]
}

scope_create() {
    local name=$1 id ctrls path mnt
    while IFS=: read -r id ctrls path; do
        if [ "$id" = 0 ]; then
            mnt=$(cgroup2_mount)
            [ -n "$mnt" ] || continue
            _scope_v2_create "$mnt" "$path" "$name" || return 1
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

# _scope_v2_create MNT PATH NAME : the v2 scope NAME for a grader whose group is PATH (as in
# /proc/self/cgroup) in the hierarchy mounted at MNT.
_scope_v2_create() {
    local mnt=$1 dir=$1$2 name=$3 top=$1
    [ "$dir" = "$mnt/" ] && dir=$mnt
    if [ -n "${KIT_GRADER_DELEGATED:-}" ] && [ "$dir" != "$mnt" ]; then
        # Our own delegated unit: empty its top into a leaf, as systemd asks of delegatees,
        # and touch nothing above it (systemd enabled there what the unit may use).
        _move_all "$dir" "$dir/grader" || return 1
        top=$dir
    else
        # Walk up to an ancestor without processes (or the root) - see the rules above.
        while [ "$dir" != "$mnt" ] && _has_processes "$dir"; do dir=$(dirname "$dir"); done
    fi
    SCOPE_V2_MNT=$mnt SCOPE_V2=$dir/$name
    mkdir -p "$SCOPE_V2" || return 1
    _v2_enable_down_to "$top" "$SCOPE_V2" || return 1
    SCOPE_DIRS+=("$SCOPE_V2")
}

# _move_all FROM TO : move every process of group FROM into its new child TO.  Passes repeat
# while processes the earlier passes did not see show up (one may fork while we move it).
_move_all() {
    local from=$1 to=$2 pid pass moved
    local -A seen=()
    mkdir -p "$to" || return 1
    for pass in 1 2 3 4 5 6 7 8 9 10; do
        moved=""
        while read -r pid; do
            [ -n "$pid" ] && [ -z "${seen[$pid]:-}" ] || continue
            seen[$pid]=1 moved=1
            # A process that exited meanwhile cannot be moved (ESRCH): that is fine.
            if ! echo "$pid" >>"$to/cgroup.procs" && [ -d "/proc/$pid" ]; then
                echo "grade: cannot move process $pid from $from into $to" >&2
                return 1
            fi
        done <"$from/cgroup.procs"
        [ -n "$moved" ] || return 0
    done
    return 0
}

# _v2_enable_down_to TOP DIR : enable the wanted controllers for the children of every group
# from TOP down to its descendant DIR.
_v2_enable_down_to() {
    local dir=$1 part
    _v2_enable_for_children "$dir" || return 1
    for part in $(tr '/' ' ' <<<"${2#"$1"}"); do
        dir=$dir/$part
        _v2_enable_for_children "$dir" || return 1
    done
}

# The controllers of SCOPE_WANT that DIR has and does not hand down yet, enabled in one write
# ("+cpu +memory +pids"): the kernel takes the whole line or nothing, so a refusal cannot leave
# half of them on (cpu and pids alone would make DIR a "threaded" group's parent by mistake).
_v2_enable_for_children() {
    local dir=$1 c have="" enabled="" missing=""
    read -r have <"$dir/cgroup.controllers" 2>/dev/null
    read -r enabled <"$dir/cgroup.subtree_control" 2>/dev/null
    for c in $SCOPE_WANT; do
        [[ " $have " == *" $c "* ]] && [[ " $enabled " != *" $c "* ]] && missing+=" +$c"
    done
    [ -n "$missing" ] || return 0
    if ! echo "${missing# }" >"$dir/cgroup.subtree_control"; then
        echo "grade: cannot enable${missing} in $dir/cgroup.subtree_control" >&2
        return 1
    fi
}

scope_run() {
    local suite=$1 d
    shift
    local procs=()
    for d in "${SCOPE_DIRS[@]}"; do
        mkdir -p "$d/$suite" && procs+=("$d/$suite/cgroup.procs") || return 1
    done
    if [ -n "$SCOPE_V2" ]; then
        mkdir -p "$SCOPE_V2/work-$suite" || return 1
        export KIT_CGROUP_PARENT=${SCOPE_V2#"$SCOPE_V2_MNT"}/work-$suite
    fi
    (
        for d in "${procs[@]}"; do
            echo "$BASHPID" >"$d" || {
                echo "grade: cannot move the suite into ${d%/cgroup.procs}" >&2
                exit 125
            }
        done
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
