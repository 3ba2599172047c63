#!/usr/bin/env bash
# check-fences.sh [TASK...] - prove that every fenced part is really graded.
#
# For each fence id (1.1, 2.3, 3.a ...) the kit is copied with only that fence replaced by its
# stub, built, and graded: every test named after that id must now fail.  A test that still
# passes checks nothing the student writes.  Needs root (it runs the grader).
set -u
kit=$(cd "$(dirname "$0")/.." && pwd)
tasks=("$@")
[ ${#tasks[@]} -gt 0 ] || tasks=($(cd "$kit" && ls -d task[0-9]* 2>/dev/null))
work=$(mktemp -d /tmp/kit-fences.XXXXXX)
trap 'rm -rf "$work"' EXIT
bad=0 checked=0
for task in "${tasks[@]}"; do
    ids=$(cd "$kit" && git ls-files "$task" 2>/dev/null | xargs -r grep -hoE '>>> [0-9]+\.[0-9a-z]+' |
        awk '{ print $2 }' | sort -uV)
    for id in $ids; do
        rm -rf "$work/kit"
        python3 "$kit/grader/handout.py" --kit "$kit" --only "$id" --out "$work/kit" >/dev/null || { bad=1; continue; }
        if ! make -s -C "$work/kit/handout" "$task" >"$work/build.log" 2>&1; then
            echo "fence $id: the kit does not build with this stub:"; tail -n 5 "$work/build.log"
            bad=1; continue
        fi
        tap=$("$kit/grader/grade" --tree "$work/kit/handout" --format tap \
            --filter "^${id//./\\.} " "$task")
        passing=$(grep -E "^ok [0-9]+ $task: $id " <<<"$tap" | sed -E 's/^ok [0-9]+ //')
        failing=$(grep -cE "^not ok [0-9]+ $task: $id " <<<"$tap")
        tests=$(cat "$kit/grader/$task".bats "$kit/grader/$task"-*.bats 2>/dev/null |
            grep -cF "@test \"$id ")
        checked=$((checked + 1))
        if [ "$tests" -eq 0 ]; then
            echo "fence $id: no test is named after it"; bad=1
        elif [ -n "$passing" ]; then
            echo "fence $id: these tests still pass with the stub:"; echo "$passing" | sed 's/^/    /'; bad=1
        elif [ "$failing" -lt "$tests" ]; then
            echo "fence $id: only $failing of its $tests tests ran"; bad=1
        else
            echo "fence $id: its $tests test(s) fail with the stub, as they should"
        fi
    done
done
echo "checked $checked fences"
exit $bad
