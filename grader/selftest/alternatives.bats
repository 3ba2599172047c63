#!/usr/bin/env bats
# Correct solutions written another way than the reference (grader/alternatives/: other system
# calls, other APIs, another order) must score full marks: a test that fails one of them judges
# the reference's style, not the behaviour (make test runs this).
load ../lib/kit

KIT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# The tasks that have alternatives.
alt_tasks() {
    local d
    for d in "$KIT"/grader/alternatives/task*/; do
        [ -n "$(ls -A "$d")" ] && basename "$d"
    done
}

@test "the alternative solutions score full marks on every task that has them" {
    local tasks
    tasks=$(alt_tasks | tr '\n' ' ')
    [ -n "$tasks" ] || fail_hint "alternatives for some task" "none" "grader/alternatives/ is empty"
    # shellcheck disable=SC2086
    run_t 1800 "$KIT/grader/submission.sh" "$KIT/grader/alternatives" $tasks
    expect_status 0 "submission.sh should grade, not fail"
    local t sub
    for t in $tasks; do
        sub=$(awk -v t="$t" '$1 == "subtotal" && $2 == t { print $3 }' <<<"$output")
        [ -n "$sub" ] || fail_hint "a subtotal for $t" "$output" "the task was not graded"
        expect_eq "$t's subtotal" "${sub#*/}" "${sub%/*}" \
            "$(grep -E '^  FAIL' <<<"$output" | head -5)"
    done
}
