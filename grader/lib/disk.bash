# disk.bash - a suite that leaves the disk fuller than it found it (sourced by grader/grade;
# needs REPORT, RESULTS and KIT_CACHE).
#
# disk_snapshot NAME   note the time and how much the run's own directories (RESULTS) and
#                      the kit's cache hold
# disk_check NAME      when they grew by more than KIT_DISK_LIMIT MiB (default 2048) during
#                      suite NAME, add a tampering line naming the biggest new files
#
# In the jail the root filesystem is read-only: a program under test can write to disk only
# in the run's own directories and the kit's cache (grader/jail.py), so what they gained is
# this suite's (grade-all gives each submission a cache of its own, an overlay).  A correct
# program leaves nothing there; the debootstrap base a first run makes is a few hundred MiB.

_disk_used() { du -sxm "$RESULTS" "$KIT_CACHE" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }

disk_snapshot() {
    touch "$REPORT/$1.disk-start"
    _disk_used >"$REPORT/$1.disk"
}

disk_check() {
    local name=$1 limit=${KIT_DISK_LIMIT:-2048} grew
    grew=$(($(_disk_used) - $(cat "$REPORT/$name.disk")))
    [ "$grew" -gt "$limit" ] || return 0
    printf 'the suite left %s MiB on disk, among them: %s\n' "$grew" \
        "$(find "$RESULTS" "$KIT_CACHE" -xdev -type f -newer "$REPORT/$name.disk-start" -size +64M \
            -printf '%s %p\n' 2>/dev/null | sort -rn | head -n 5 | awk '{ printf "%s%s", sep, $2; sep = ", " }')" \
        >>"$REPORT/$name.tampered"
}
