#!/usr/bin/env bats
# Gradescope's autograder, dry-run (make test runs this): the zip of `make gradescope` is laid
# out as Gradescope lays it out (/autograder/source, /submission, /results, here under a
# scratch AUTOGRADER root), setup.sh and run_autograder run as Gradescope runs them, and
# results.json must carry the scores.  Uses task1, the quickest task.
load ../lib/kit

KIT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

@test "gradescope: setup.sh then run_autograder grade a submission into results.json" {
    run_t 120 "$KIT/grader/gradescope.sh"
    expect_status 0 "make gradescope should build the zip"
    local ag=$BATS_TEST_TMPDIR/autograder
    mkdir -p "$ag/source" "$ag/submission/task1"
    # Unpacked as unzip(1) does it, with each file's mode from the archive.
    python3 -c 'import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for info in z.infolist():
        path = z.extract(info, sys.argv[2])
        mode = info.external_attr >> 16
        if mode:
            os.chmod(path, mode & 0o777)' "$KIT/dist/gradescope.zip" "$ag/source"
    cp "$KIT"/task1/*.c "$ag/submission/task1/"
    AUTOGRADER=$ag run_t 300 "$ag/source/setup.sh"
    expect_status 0 "setup.sh should install the kit"
    AUTOGRADER=$ag KIT_TASKS=task1 run_t 600 "$ag/source/run_autograder"
    expect_status 0 "run_autograder should grade"
    run python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
hidden = sum(t["visibility"] == "after_due_date" for t in r["tests"])
print(r["score"], r["max_score"], hidden)' "$ag/results/results.json"
    expect_match "results.json (score, max, hidden tests)" "^([1-9][0-9]*) \\1 [1-9]" "$output" \
        "the reference's files score full marks, hidden tests included and hidden until the due date"
}
