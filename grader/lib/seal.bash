# seal.bash - each suite runs from a fresh copy of a sealed grader, and tampering is seen
# (sourced by grader/grade; needs RESULTS and GRADER_DIR).
#
# seal_begin KIT TREE   seal the grader, KIT's and TREE's Makefiles and common/ sources in a
#                       read-only tmpfs of this mount namespace, with the grader's helper
#                       programs built there (grader/bin); make the grader read-only here
# seal_workdir NAME     print the path of a fresh copy of the sealed grader for suite NAME,
#                       and note what the kit's shared cache holds (KIT_CACHE)
# seal_check NAME WORK  after suite NAME: list in REPORT/NAME.tampered every protected file
#                       that changed (the grader, its WORK copy, KIT, TREE), put the sealed
#                       version back, and every entry of the shared cache that changed or
#                       went; exit 1 if anything was tampered with
#
# Programs under test run as root: they can remount and write anything in this namespace, so
# this makes tampering harder (a copy per suite, the real grader read-only) and visible (the
# seal's hashes, kept in this process's memory), never impossible.  docs/INSTRUCTOR.md says
# what protects against what.

SEAL="" SEAL_SUM=""
SEAL_ROOTS=()

seal_begin() {
    SEAL=$RESULTS/seal
    mkdir -p "$SEAL" && mount -t tmpfs -o size=64m,mode=700 kit-seal "$SEAL" || return 1
    SEAL_ROOTS=("grader=$GRADER_DIR" "kit=$1")
    [ "$2" != "$1" ] && SEAL_ROOTS+=("tree=$2")
    python3 "$GRADER_DIR/seal.py" save "$SEAL" "${SEAL_ROOTS[@]}" || return 1
    # The grader's own helper programs are built here, where no program under test can
    # replace them (a tracer in a shared cache could be swapped for one that lies).
    mkdir -p "$SEAL/grader/bin" &&
        cc -O2 -Wall -o "$SEAL/grader/bin/ns_trace" "$SEAL/grader/helpers/ns_trace.c" || return 1
    python3 "$GRADER_DIR/seal.py" record-new "$SEAL" || return 1
    mount -o remount,ro "$SEAL" || return 1
    SEAL_SUM=$(sha256sum <"$SEAL/manifest.json")
    _grader_writable ro
}

_grader_writable() {
    if [ "$1" = ro ]; then
        mountpoint -q "$GRADER_DIR" || mount --bind "$GRADER_DIR" "$GRADER_DIR" || return 1
    fi
    mount -o "remount,bind,$1" "$GRADER_DIR"
}

seal_workdir() {
    local work=$RESULTS/grader-$1
    python3 "$SEAL/grader/seal.py" cache-snapshot "$REPORT/$1.cache" "$KIT_CACHE" || return 1
    rm -rf "$work" && cp -a "$SEAL/grader" "$work" && echo "$work"
}

seal_check() {
    local out=$REPORT/$1.tampered rc
    if [ "$(sha256sum <"$SEAL/manifest.json" 2>/dev/null)" != "$SEAL_SUM" ]; then
        echo "tampered the grader's sealed copy (its manifest changed)" >>"$out"
        return 1
    fi
    _grader_writable rw 2>/dev/null
    python3 "$SEAL/grader/seal.py" check "$SEAL" --restore "${SEAL_ROOTS[@]}" \
        "work:grader=$2" >>"$out"
    rc=$?
    # The shared cache serves every later run: a change there is reported, not undone (the
    # instructor removes KIT_CACHE/conductor to have the bases made again).
    python3 "$SEAL/grader/seal.py" cache-check "$REPORT/$1.cache" "$KIT_CACHE" >>"$out" || rc=1
    _grader_writable ro 2>/dev/null
    [ -s "$out" ] || rm -f "$out"
    return $rc
}
