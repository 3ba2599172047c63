#!/usr/bin/env bats
# Hostile submissions (make test runs this): a program under test runs as root and may go
# after the grader.  Whatever it does, its task scores 0, the kit is left as it was, and no
# other submission's grade changes.  Uses task1, the quickest task.
load ../lib/kit

KIT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup() {
    SUBS=$BATS_TEST_TMPDIR/subs
    mkdir -p "$SUBS"
}

score_of() { sed -n 's/^Score: //p' <<<"$1" | tail -n 1; }

# kit_sum : one hash over the kit's grader, Makefiles and common/ sources.
kit_sum() {
    (cd "$KIT" && find grader Makefile mk common -type f \( -name '*.bash' -o -name '*.bats' \
        -o -name '*.py' -o -name '*.sh' -o -name '*.c' -o -name '*.h' -o -name Makefile \
        -o -name '*.mk' -o -name grade \) -print0 | sort -z | xargs -0 sha256sum | sha256sum)
}

# hostile NAME : a submission whose namespace_prog rewrites the grader's assertion helpers.
hostile() {
    mkdir -p "$SUBS/$1/task1"
    cp "$BATS_TEST_DIRNAME/hostile/rewrite-grader.c" "$SUBS/$1/task1/namespace_prog.c"
}

@test "a submission that rewrites the grader scores 0 on every task and the kit is unchanged" {
    local before
    before=$(kit_sum)
    hostile evil
    run_t 900 "$KIT/grader/submission.sh" "$SUBS/evil" task1 task2
    expect_status 0 "submission.sh should grade, not fail"
    expect_eq "score" "0" "$(score_of "$output" | cut -d/ -f1)" \
        "a submission that changed the grader's helpers must score nothing (task2 is all stubs)"
    expect_match "the report" "grader tampered during task1" "$output" \
        "the report must say the grader was tampered with, and where"
    expect_eq "the kit's hash" "$before" "$(kit_sum)" "the grader's own files must be unchanged"
}

@test "a tampering submission graded first in a batch of three changes no other row" {
    local before
    before=$(kit_sum)
    hostile a-evil
    for s in b-good c-good; do
        mkdir -p "$SUBS/$s/task1" && cp "$KIT"/task1/*.c "$SUBS/$s/task1/"
    done
    run_t 1200 "$KIT/grader/grade-all.py" --jobs 1 --out "$BATS_TEST_TMPDIR/book" "$SUBS" task1
    expect_status 0 "grade-all should finish"
    run python3 -c 'import json, sys
for e in json.load(open(sys.argv[1])):
    print(e["student"], e["score"], e["max_score"])' "$BATS_TEST_TMPDIR/book/gradebook.json"
    expect_match "gradebook" "a-evil 0 [1-9]" "$output" "the tampering submission scores 0"
    local s
    for s in b-good c-good; do  # full marks: score = max > 0
        awk -v s="$s" '$1 == s && $2 == $3 && $3 > 0 { found = 1 } END { exit !found }' <<<"$output" ||
            fail_hint "$s with full marks" "$output" \
                "a correct submission graded after the tampering one keeps full marks"
    done
    expect_eq "the kit's hash" "$before" "$(kit_sum)" "the grader's own files must be unchanged"
}
