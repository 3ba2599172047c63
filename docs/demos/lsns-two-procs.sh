#!/usr/bin/env bash
# lsns-two-procs.sh - lsns through two proc mounts (docs/questions.md, Q1.2).
#
# In new PID and mount namespaces, a proc is mounted at a scratch path beside the /proc we
# inherited.  lsns always reads /proc (util-linux has no option for another path), so for the
# second view the scratch proc is bound on /proc in one more mount namespace of its own.
# Nothing reaches the host: every mount is in a private mount namespace, gone when the script
# ends.  Needs root.
set -eu
exec unshare --pid --fork --mount --propagation private -- bash -c '
    set -eu
    scratch=$(mktemp -d)
    mount -t proc proc "$scratch"
    summary() {
        echo "  $(lsns -n | wc -l) namespaces, $(ls -d /proc/[0-9]* | wc -l) processes;" \
            "/proc/self is $(readlink /proc/self)"
        lsns -t pid -o NS,TYPE,NPROCS,PID | sed "s/^/  /"
    }
    echo "lsns with /proc, the proc we inherited (mounted from the host'"'"'s PID namespace):"
    summary
    echo
    echo "lsns with the proc mounted at $scratch (from the new PID namespace), bound on /proc:"
    export -f summary
    unshare --mount --propagation private bash -c "mount --bind $scratch /proc && summary"
    umount "$scratch"
    rmdir "$scratch"
'
