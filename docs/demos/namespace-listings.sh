#!/usr/bin/env bash
# namespace-listings.sh - the namespace listings of the "are any two identical?" question of
# docs/questions.md: this shell, the PID 1 of two containers of one image, and a process
# `conductor exec` started in the first, side by side (the inode of each /proc/PID/ns entry,
# as `ls -l /proc/PID/ns` or task1's mini_lsns PID show them).  Busybox base (offline), a
# throw-away state root; needs root and a built kit (make).
set -eu
kit=$(cd "$(dirname "$0")/../.." && pwd)
conductor=$kit/task3/conductor
work=$(mktemp -d)
export CONDUCTOR_ROOT=$work/state CONDUCTOR_CONFIG=/dev/null
trap '"$conductor" stop one >/dev/null 2>&1 || true; "$conductor" stop two >/dev/null 2>&1 || true
      rm -rf "$work"' EXIT
mkdir -p "$work/ctx"
printf 'FROM busybox\n' >"$work/ctx/Conductorfile"
"$conductor" build bb "$work/ctx/Conductorfile" >/dev/null
"$conductor" run -d bb one -- sleep 600 >/dev/null
"$conductor" run -d bb two -- sleep 600 >/dev/null
pid_of() { "$conductor" ps | awk -v n="$1" '$1 == n { print $(NF - 2) }'; }
one=$(pid_of one) two=$(pid_of two)
# A process exec'd into "one": a sleep of a length nothing else runs, found by its PID namespace.
nap=$((700000 + $$))
"$conductor" exec one -- sleep "$nap" </dev/null >/dev/null 2>&1 &
for _ in $(seq 50); do
    exec_pid=$(pgrep -x -f "sleep $nap" || true)
    [ -n "$exec_pid" ] && break
    sleep 0.1
done
printf '%-18s %-12s %-12s %-12s %-12s\n' NAMESPACE "this shell" "one: PID 1" "two: PID 1" "exec in one"
for ns in $(ls /proc/self/ns); do
    printf '%-18s' "$ns"
    for p in $$ "$one" "$two" "$exec_pid"; do
        printf ' %-12s' "$(readlink "/proc/$p/ns/$ns" | tr -dc 0-9)"
    done
    echo
done
kill "$exec_pid" 2>/dev/null || true
