#!/usr/bin/env bats
# The grading machinery itself (make test runs this): submissions are graded from their
# student files only, build failures and hangs are reported rather than fatal, and every
# report format carries the same scores.  Uses task1, the quickest task.
load ../lib/kit

KIT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup() {
    SUBS=$BATS_TEST_TMPDIR/subs
    mkdir -p "$SUBS"
}

# make_submission NAME : a submission holding the reference's task1 files.
make_submission() {
    mkdir -p "$SUBS/$1/task1"
    cp "$KIT"/task1/*.c "$SUBS/$1/task1/"
}

# live_processes TEXT : PIDs of running processes whose command line holds TEXT.  Killed
# processes whose parent is gone wait for PID 1 to reap them: a zombie is not left running.
live_processes() {
    ps -eo pid=,stat=,args= | awk -v t="$1" '$2 !~ /^Z/ && index($0, t) && !/awk -v t=/ { print $1 }'
}

score_of() { sed -n 's/^Score: //p' <<<"$1" | tail -n 1; }

@test "a submission of the reference's files scores full marks" {
    make_submission good
    run_t 300 "$KIT/grader/submission.sh" "$SUBS/good" task1
    expect_status 0 "submission.sh should grade, not fail"
    local score
    score=$(score_of "$output")
    expect_eq "score" "${score#*/}" "${score%/*}" "the reference's student files must score full marks"
}

@test "an empty submission is graded on the stubs and scores 0" {
    mkdir -p "$SUBS/empty"
    run_t 300 "$KIT/grader/submission.sh" "$SUBS/empty" task1
    expect_status 0 "submission.sh should grade, not fail"
    expect_eq "score" 0 "$(score_of "$output" | cut -d/ -f1)" "missing files keep their stubs"
}

@test "a file that does not compile: the task's build failure is reported, the grader goes on" {
    make_submission broken
    echo 'int main(void) { return undeclared_thing; }' >"$SUBS/broken/task1/mini_lsns.c"
    run_t 300 "$KIT/grader/submission.sh" "$SUBS/broken" task1
    expect_status 0 "submission.sh should grade, not crash"
    expect_match "report" "FAIL +builds" "$output" "a failed build is a visible line of the report"
    expect_match "report" "undeclared_thing" "$output" "the compiler's message is shown"
    expect_match "report" "PASS +1\.1 namespace_prog" "$output" \
        "what still builds (namespace_prog) is graded"
}

@test "a submission cannot change how it is graded (tests, Makefiles, common/)" {
    mkdir -p "$SUBS/sneaky/task1" "$SUBS/sneaky/grader" "$SUBS/sneaky/common"
    printf '@test "1.1 free points [100]" { true; }\n' >"$SUBS/sneaky/grader/task1.bats"
    printf 'all:\n\ttrue\n' >"$SUBS/sneaky/task1/Makefile"
    printf 'int kit_fail(const char *f, ...) { return 0; }\n' >"$SUBS/sneaky/common/err.c"
    run_t 300 "$KIT/grader/submission.sh" "$SUBS/sneaky" task1
    expect_status 0 "submission.sh should grade"
    expect_eq "score" 0 "$(score_of "$output" | cut -d/ -f1)" \
        "only the student files listed by student-files.sh may come from a submission"
    if grep -q "free points" <<<"$output"; then
        fail_hint "the kit's tests only" "the submission's test ran" "never use a submission's grader files"
    fi
}

@test "grade-all: a gradebook row per student; a hang is stopped and marked" {
    make_submission alice
    mkdir -p "$SUBS/bob"
    tar -czf "$SUBS/carol.tar.gz" -C "$SUBS/alice" task1
    run_t 600 "$KIT/grader/grade-all.py" --jobs 2 --out "$BATS_TEST_TMPDIR/book" "$SUBS" task1
    expect_status 0 "grade-all should finish"
    local csv=$BATS_TEST_TMPDIR/book/gradebook.csv
    expect_eq "rows (header + 3 students)" 4 "$(wc -l <"$csv")" "one row per submission"
    expect_match "alice's row" "^alice,graded,([0-9]+),\\1," "$(grep '^alice,' "$csv")" \
        "the reference's files score full marks"
    expect_match "carol's row (a tarball)" "^carol,graded,([0-9]+),\\1," "$(grep '^carol,' "$csv")" \
        "tarballs are unpacked and graded like folders"
    expect_match "bob's row (empty)" "^bob,graded,0," "$(grep '^bob,' "$csv")" "an empty submission scores 0"
    local html=$BATS_TEST_TMPDIR/book/gradebook.html
    expect_eq "students in gradebook.html" 3 "$(grep -cE '<tr><td>(alice|bob|carol)</td><td>graded' "$html")" \
        "gradebook.html has a row per student"
    expect_match "gradebook.html" "Which tests the class fails" "$(cat "$html")" "it shows the pass rate per test"
    # A submission that hangs (its namespace_prog never returns) is stopped after --timeout,
    # marked, and the batch still ends; the stopped grader removes its cgroups and kills what
    # it started.
    mkdir -p "$BATS_TEST_TMPDIR/hang/dave/task1"
    printf '#include <unistd.h>\nint main(void) { for (;;) pause(); }\n' \
        >"$BATS_TEST_TMPDIR/hang/dave/task1/namespace_prog.c"
    local scopes_before
    scopes_before=$(find /sys/fs/cgroup -maxdepth 5 -name 'kit-grade-*' | sort)
    run_t 200 "$KIT/grader/grade-all.py" --timeout 20 --out "$BATS_TEST_TMPDIR/book2" \
        "$BATS_TEST_TMPDIR/hang" task1
    expect_status 0 "grade-all should finish even when a run times out"
    expect_match "dave's row" "^dave,timed out," "$(grep '^dave,' "$BATS_TEST_TMPDIR/book2/gradebook.csv")" \
        "a run past --timeout is stopped and marked"
    expect_eq "grader cgroups left by the stopped run" "" \
        "$(comm -13 <(echo "$scopes_before") <(find /sys/fs/cgroup -maxdepth 5 -name 'kit-grade-*' | sort))" \
        "on SIGTERM the runner must still remove its scope"
    expect_eq "processes left by the stopped run" "" "$(live_processes "$BATS_TEST_TMPDIR/hang")" \
        "on SIGTERM every process of the run must go"
    expect_eq "processes of the hanging program left" "" "$(live_processes /task1/namespace_prog)" \
        "the grader kills what it started"
}

@test "every report format carries the same scores" {
    run_t 300 "$KIT/grader/grade" --format text task1
    local text_score
    text_score=$(score_of "$output")
    run_t 300 "$KIT/grader/grade" --format gradescope --out "$BATS_TEST_TMPDIR/r.json" task1
    expect_status 0 "gradescope format"
    local gs
    gs=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%d/%d" % (sum(t["score"] for t in d["tests"]), d["max_score"]))' "$BATS_TEST_TMPDIR/r.json")
    expect_eq "gradescope score" "$text_score" "$gs" "the same tests, the same points"
    run_t 300 "$KIT/grader/grade" --format junit --out "$BATS_TEST_TMPDIR/r.xml" task1
    local failures
    failures=$(python3 -c 'import sys, xml.etree.ElementTree as E; print(sum(int(s.get("failures")) for s in E.parse(sys.argv[1]).getroot()))' "$BATS_TEST_TMPDIR/r.xml")
    expect_eq "junit failures" 0 "$failures" "the reference passes every test"
    run_t 300 "$KIT/grader/grade" --format tap task1
    expect_match "tap plan" "^1\\.\\.[0-9]+" "$output" "TAP starts with its plan"
    expect_eq "tap failures" 0 "$(grep -c '^not ok' <<<"$output")" "the reference passes every test"
}

@test "a suite that stops early loses the points of the tests it never ran" {
    local r=$BATS_TEST_TMPDIR/results
    mkdir -p "$r"
    printf '@test "9.1 ran [2]" {\n  true\n}\n@test "9.2 \\"never\\" ran [3]" {\n  true\n}\n' >"$r/x.bats"
    printf '1..2\nok 1 9.1 ran [2]\n' >"$r/task9.tap"
    echo "$r/x.bats" >"$r/task9.suite"
    : >"$r/task9.leaks"
    run python3 "$KIT/grader/report.py" "$r"
    expect_eq "score" "2/5" "$(score_of "$output")" "an unrun test's points stay in the total"
    expect_match "report" 'FAIL +9\.2 "never" ran' "$output" "the unrun test is named"
    run python3 "$KIT/grader/report.py" --filter '^9\.1 ' "$r"
    expect_eq "score with --filter" "2/2" "$(score_of "$output")" "only the selected tests count"
}
