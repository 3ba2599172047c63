#!/usr/bin/env bash
# student-files.sh [KIT] - the files students edit: every tracked file under task*/ that holds
# a fenced part (">>> N.x" in the kit, "TODO N.x:" in a handout).  Derived from the fences, so
# it cannot drift from them.
kit=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$kit" || exit 1
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files 'task*'
else
    find task* -type f
fi | xargs -r grep -lIE '(>>>|TODO) [0-9]+\.[0-9a-z]+' | sort
