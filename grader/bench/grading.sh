#!/usr/bin/env bash
# grading.sh - how long grading takes, and whether a batch scales with JOBS.
#
#   grader/bench/grading.sh [TASK...]      (make bench; root; default: every task)
#
# 1. one complete submission (the reference's student files, all tasks) through
#    grader/submission.sh, as `make grade SUBMISSION=...` does;
# 2. a batch of 8 such submissions through grade-all with JOBS=2.
# Prints both times and the batch's speed-up over grading the 8 one after another
# (8 x the single time): 2.0 would be perfect scaling on JOBS=2, 1.0 no scaling at all.
# Conductor's debootstrap base is cached (/var/cache/kit), as in a course's grading VM.
set -eu
kit=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "grading.sh: needs root (it runs the grader)" >&2; exit 2; }
work=$(mktemp -d /tmp/kit-bench-grading.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/subs/student1"
while read -r rel; do
    mkdir -p "$work/subs/student1/$(dirname "$rel")"
    cp "$kit/$rel" "$work/subs/student1/$rel"
done < <("$kit/grader/student-files.sh" "$kit")

start=$(date +%s.%N)
"$kit/grader/submission.sh" "$work/subs/student1" "$@" >"$work/one.txt" 2>&1
one=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
score=$(tail -n 1 "$work/one.txt")

for i in 2 3 4 5 6 7 8; do cp -r "$work/subs/student1" "$work/subs/student$i"; done
start=$(date +%s.%N)
"$kit/grader/grade-all.py" --jobs 2 --out "$work/book" "$work/subs" "$@" >"$work/batch.txt" 2>&1
batch=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
graded=$(grep -c '^\[' "$work/batch.txt" || true)
full=$(awk -F, 'NR > 1 && $3 == $4' "$work/book/gradebook.csv" | wc -l)

printf '== grading (tasks: %s)\n' "${*:-all}"
printf '  one submission            %7.1f s   (%s)\n' "$one" "$score"
printf '  8 submissions, JOBS=2     %7.1f s   (%s graded, %s of them full marks)\n' "$batch" "$graded" "$full"
# Under load every submission must still get the same score: name any test that did not.
python3 - "$work/book/results" <<'PY'
import json, pathlib, sys
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.json")):
    for t in json.loads(f.read_text())["tests"]:
        if t["score"] < t["max_score"]:
            print(f"  lost under load: {f.stem}: {t['name']}: {t['output'].splitlines()[:3]}")
PY
printf '  speed-up over serial      %7.2f x   (8 x %.1f s / %.1f s; 2.00 is perfect for JOBS=2)\n' \
    "$(awk -v o="$one" -v b="$batch" 'BEGIN { print 8 * o / b }')" "$one" "$batch"
