#!/usr/bin/env bash
# propagation-puzzle.sh - run the mount-propagation puzzle of docs/questions.md, safely.
#
#   mount --bind /smt /smt; mount --make-shared /smt; mount --bind /smt /tmp; mount --move /tmp /smt/1
#
# Everything happens in a private mount namespace, on a tmpfs of its own: nothing reaches the
# host, and it is all gone when the script ends.  Needs root.
set -eu
exec unshare --mount --propagation private -- bash -c '
    set -eu
    top=$(mktemp -d)
    mount -t tmpfs puzzle "$top"
    cd "$top"
    mkdir -p smt/1 tmp
    mount --bind smt smt          # /smt becomes a mount point of its own
    mount --make-shared smt       # ... in a new peer group
    mount --bind smt tmp          # /tmp: a bind of a shared mount is a peer of it
    mount --move tmp smt/1        # move a peer of /smt under /smt
    findmnt -R -o TARGET,PROPAGATION "$top" | sed "s|$top|<top>|g"
    echo
    awk -v t="$top" "index(\$5, t) == 1 { sub(t, \"<top>\", \$5); print \$5, \$7 }" /proc/self/mountinfo
    rmdir "$top" 2>/dev/null || true
'
