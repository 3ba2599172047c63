# jail.bash - each suite runs in a jail of its own, the scorer outside it (sourced by
# grader/grade; needs RESULTS, REPORT, SEAL, GRADER_DIR and lib/cgroup-scope.bash).
#
# report_begin           a tmpfs for everything the score is made from (REPORT): the suites'
#                        TAP, the leak and tamper findings; the jail detaches it (jail.py)
# jail_run NAME WORK SUITE ARGS...
#                        bats ARGS... WORK/SUITE as PID 1's child in new PID and mount
#                        namespaces (grader/jail.py), in the suite's cgroup, under the
#                        suite's time limit.  Its TAP and stderr reach REPORT through pipes
#                        read out here, so nothing in the jail can rewrite what bats already
#                        said; REPORT/NAME.end says how the jail ended (the time limit: 124,
#                        137), REPORT/NAME.jail what jail.py found when bats ended.
# jail_findings NAME     after the suite: the processes and mounts it left (for the leak
#                        check) on stdout, and a tampering line for each process that
#                        escaped the scope's cgroups, each cover removed, and a bats that did
#                        not end by itself
#
# Kernel rules: a process sees only the PIDs of its own PID namespace and those below it,
# and may signal, trace or setns into only what it can name; a detached (umount -l) tmpfs
# has no path and no device left to mount it from.

report_begin() {
    REPORT=$RESULTS/report
    mkdir -p "$REPORT" && mount -t tmpfs -o size=64m,mode=700 kit-report "$REPORT"
}

# _jail_covers : --cover DIR for the kit's grader and each dir of KIT_JAIL_COVER (grade-all:
# the other submissions' files, the gradebook), but never one the suite needs.
_jail_covers() {
    local d need
    local -a dirs
    IFS=: read -ra dirs <<<"$GRADER_DIR:${KIT_JAIL_COVER:-}"
    for d in "${dirs[@]}"; do
        [ -d "$d" ] || continue
        for need in "$TREE" "$RESULTS" "$KIT_CACHE"; do
            [[ $need/ == "$d"/* ]] && continue 2
        done
        printf '%s\0' --cover "$d"
    done
}

jail_run() {
    local name=$1 work=$2 suite=$3 err errpid rc covers
    shift 3
    mapfile -d '' covers < <(_jail_covers)
    mkdir -p "$RESULTS/var-tmp-$name" && chmod 1777 "$RESULTS/var-tmp-$name"
    exec {err}> >(exec cat >"$REPORT/$name.err")
    errpid=$!
    (cd "$RESULTS/cwd-$name" && scope_run "$name" timeout --kill-after=10 3600 \
        unshare --pid --fork --kill-child --mount --propagation private \
        python3 "$work/jail.py" --suite "$name" --status "$REPORT/$name.jail" \
        --hide "$REPORT" --hide "$SEAL" "${covers[@]}" --var-tmp "$RESULTS/var-tmp-$name" \
        --keep "$TREE" --keep "$RESULTS" --keep "$KIT_CACHE" -- \
        "${BATS:-bats}" "$@" "$work/$suite") </dev/null 2>&"$err" | cat >"$REPORT/$name.tap"
    rc=${PIPESTATUS[0]}
    exec {err}>&-
    wait "$errpid"
    echo "$rc" >"$REPORT/$name.end"
}

jail_findings() {
    local name=$1 status=$REPORT/$1.jail
    if [ ! -s "$status" ]; then
        [ "$(cat "$REPORT/$name.end")" -ne 124 ] && [ "$(cat "$REPORT/$name.end")" -ne 137 ] &&
            echo "the jail's PID 1 ended without its report (killed from outside the jail?)" >>"$REPORT/$name.tampered"
        return 0
    fi
    awk '$1 == "left" { $1 = ""; printf "process left running:%s\n", $0 }
         $1 == "mount" { print "new " $0 }' "$status"
    awk '$1 == "escaped" { printf "a process escaped the grader'\''s cgroup: PID %s in %s: %s\n", $2, $3,
             substr($0, index($0, $4)) }
         NR == 1 && $1 == "signal" { print "bats was killed by signal " $2 " (something in the jail killed the grader)" }
         NR == 1 && $1 == "exit" && $2 != 0 && $2 != 1 { print "bats exited with " $2 " (the grader was stopped)" }
         $1 == "uncovered" { print "the cover over " $2 " was removed (a program went for what it hides)" }
         $1 == "writable" { print "the read-only root filesystem was made writable again at " $2 }' \
        "$status" >>"$REPORT/$name.tampered"
    [ -s "$REPORT/$name.tampered" ] || rm -f "$REPORT/$name.tampered"
}
