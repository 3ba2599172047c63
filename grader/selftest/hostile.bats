#!/usr/bin/env bats
# Hostile submissions (make test runs this): a program under test runs as root and goes after
# the grader.  Each fixture of hostile/ is a task1/namespace_prog.c that attacks instead of
# working (hostile.h + FIXTURE.c); they are graded in one grade-all batch, two at a time, with
# a correct submission among them.  Whatever a fixture does, its task scores 0 and the report
# says what it did, the suites after it (task2: stubs, so 0) score what they earn, the correct
# submission keeps full marks, the kit is left as it was and nothing of the attacks stays.
load ../lib/kit

KIT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
FIXTURES="rewrite-grader forge-report kill-grader linger escape-cgroup fill-disk"

# kit_sum : one hash over the kit's grader, Makefiles and common/ sources.
kit_sum() {
    (cd "$KIT" && find grader Makefile mk common -type f \( -name '*.bash' -o -name '*.bats' \
        -o -name '*.py' -o -name '*.sh' -o -name '*.c' -o -name '*.h' -o -name Makefile \
        -o -name '*.mk' -o -name grade \) -print0 | sort -z | xargs -0 sha256sum | sha256sum)
}

FILLS="/var/tmp/kit-hostile-fill /kit-hostile-fill"  # where fill-disk writes, seen from the host
remove_fills() { rm -f $FILLS; }

setup_file() {
    remove_fills
    local subs=$BATS_FILE_TMPDIR/subs f
    for f in $FIXTURES; do
        mkdir -p "$subs/$f/task1"
        cat "$BATS_TEST_DIRNAME/hostile/hostile.h" "$BATS_TEST_DIRNAME/hostile/$f.c" \
            >"$subs/$f/task1/namespace_prog.c"
    done
    mkdir -p "$subs/z-good/task1" "$subs/z-good/task2"
    cp "$KIT"/task1/*.c "$subs/z-good/task1/"
    cp "$KIT"/task2/*.c "$KIT"/task2/*.h "$subs/z-good/task2/"
    kit_sum >"$BATS_FILE_TMPDIR/kit.before"
    BOOK=$BATS_FILE_TMPDIR/book
    timeout 2400 "$KIT/grader/grade-all.py" --jobs 2 --out "$BOOK" "$subs" task1 task2 \
        >"$BATS_FILE_TMPDIR/grade-all.log" 2>&1 3>&-
    echo $? >"$BATS_FILE_TMPDIR/grade-all.status"
    ls $FILLS 2>/dev/null >"$BATS_FILE_TMPDIR/fills" || true
    remove_fills
    export BOOK
}

teardown_file() { remove_fills; }

# row ID : "STATUS TASK1 TASK2 MAX1 MAX2" of submission ID in the gradebook.
row() {
    python3 -c 'import json, sys
for e in json.load(open(sys.argv[1])):
    if e["student"] == sys.argv[2]:
        t, m = e["tasks"], e["task_max"]
        print(e["status"], t.get("task1", 0), t.get("task2", 0), m.get("task1", 0), m.get("task2", 0))' \
        "$BOOK/gradebook.json" "$1"
}

# expect_caught ID TEXT : graded, 0 on both tasks, and the report of ID says TEXT.
expect_caught() {
    local r
    grep -q '"name": "task1: builds"' "$BOOK/results/$1.json" &&
        fail_hint "fixture $1 built" "a failed build: $(grep -o 'error: [^\\]*' "$BOOK/results/$1.json" | head -1)" \
            "a fixture that does not build attacks nothing: fix hostile/$1.c"
    r=$(row "$1")
    expect_match "$1's row (status task1 task2 max1 max2)" "^graded 0 0 [1-9][0-9]* [1-9][0-9]*$" "$r" \
        "a hostile submission is graded to the end and scores 0; task2 (stubs) stays 0"
    grep -qF -- "$2" "$BOOK/results/$1.json" ||
        fail_hint "its report says: $2" "$(grep -o '"output": "[^"]*tamper[^"]*' "$BOOK/results/$1.json" | head -3)" \
            "the grader must name what the submission did"
}

@test "grade-all finished the batch of hostile submissions" {
    expect_eq "grade-all's status" 0 "$(cat "$BATS_FILE_TMPDIR/grade-all.status")" \
        "$(tail -5 "$BATS_FILE_TMPDIR/grade-all.log")"
}

@test "rewrite-grader: appending no-op assertions to the suite's helpers voids the task" {
    expect_caught rewrite-grader "grader tampered during task1"
}

@test "forge-report: ok lines written into the TAP stream (fd 3, /proc/PID/fd/1) void the task" {
    expect_caught forge-report "forged report"
}

@test "kill-grader: SIGKILL to every bats and ancestor: the scorer survives, the task is void" {
    expect_caught kill-grader "bats was killed"
}

@test "linger: a daemon poisoning later suites is named, dies with its suite, changes nothing after" {
    expect_caught linger "process left running"
}

@test "escape-cgroup: a process moved out of the grader's cgroups is named and killed" {
    expect_caught escape-cgroup "escaped the grader's cgroup"
}

@test "fill-disk: 3 GiB in /var/tmp is the run's own, named, and gone after; / stays read-only" {
    expect_caught fill-disk "/kit-hostile-fill"
    expect_eq "fill-disk's files on the machine after the run" "" "$(cat "$BATS_FILE_TMPDIR/fills")" \
        "in the jail / is read-only and /var/tmp the run's own (grader/jail.py)"
}

@test "a correct submission graded beside the hostile ones keeps full marks" {
    local r
    r=$(row z-good)
    awk '$1 == "graded" && $2 == $4 && $3 == $5 && $4 > 0 && $5 > 0 { ok = 1 } END { exit !ok }' <<<"$r" ||
        fail_hint "z-good with full marks on task1 and task2" "$r" \
            "no submission may change another's grade"
}

@test "after the batch: the kit is unchanged, no process of the fixtures is left" {
    expect_eq "the kit's hash" "$(cat "$BATS_FILE_TMPDIR/kit.before")" "$(kit_sum)" \
        "the grader's own files must be unchanged"
    run pgrep -x namespace_prog
    expect_eq "namespace_prog processes left" "" "$output" "the jail's end must kill them all"
}
