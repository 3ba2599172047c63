# kit.bash - helpers every grader suite loads with `load lib/kit`.
#
# Conventions (docs/ARCHITECTURE.md has the why):
#   - A test's name starts with the id of the fenced part it grades and ends with its points:
#       @test "1.2 namespace_prog: child2 is PID 2 in child1's namespace [3]" { ... }
#   - Every command under test runs under a timeout (run_t), so a hang fails one test.
#   - A failure says what was expected, what was seen, and a hint (expect_* / fail_hint).
#   - Background processes must close fd 3 (`3>&-`), or bats 1.8 waits for them.

bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

: "${KIT_ROOT:=$(cd "$BATS_TEST_DIRNAME/.." && pwd)}"
: "${KIT_TIMEOUT:=20}"
: "${KIT_CACHE:=${BATS_RUN_TMPDIR:-/tmp}/kit-cache}"
export KIT_ROOT KIT_CACHE

# run_t SECONDS CMD ARGS... : bats `run` under timeout(1); a hang becomes status 124/137.
run_t() {
    local secs=$1
    shift
    run timeout --kill-after=3 "$secs" "$@"
}

# fail_hint EXPECTED SEEN HINT : fail the test with the three facts a student needs.
fail_hint() {
    {
        printf 'expected: %s\n' "$1"
        printf 'seen:     %s\n' "$2"
        printf 'hint:     %s\n' "$3"
    } >&2
    return 1
}

# expect_eq WHAT EXPECTED SEEN HINT
expect_eq() {
    [ "$2" = "$3" ] || fail_hint "$1 = '$2'" "'$3'" "$4"
}

# expect_match WHAT EXTENDED-REGEX SEEN HINT
expect_match() {
    [[ $3 =~ $2 ]] || fail_hint "$1 matching /$2/" "'$3'" "$4"
}

# expect_status WANT HINT : check $status of the last run_t, showing its output on failure.
expect_status() {
    if [ "$status" -ne "$1" ]; then
        local shown=${output:0:600}
        [ "$status" -eq 124 ] || [ "$status" -eq 137 ] && shown="(timed out) $shown"
        fail_hint "exit status $1" "exit status $status, output: $shown" "$2"
    fi
}

# expect_near WHAT WANT TOLERANCE SEEN HINT : |SEEN - WANT| <= TOLERANCE (decimals allowed).
expect_near() {
    awk -v w="$2" -v t="$3" -v s="$4" 'BEGIN { d = s - w; if (d < 0) d = -d; exit !(d <= t) }' ||
        fail_hint "$1 = $2 ± $3" "$4" "$5"
}

# line_of PREFIX : the rest of the first line of $output that starts with PREFIX.
line_of() {
    local line
    while IFS= read -r line; do
        if [[ $line == "$1"* ]]; then
            printf '%s' "${line#"$1"}"
            return 0
        fi
    done <<<"$output"
    return 1
}

# require_cmd CMD HINT : skip-free check that a tool the test needs is there.
require_built() {
    [ -x "$1" ] || fail_hint "$1 built" "missing" "run 'make' in the kit first; ${2:-}"
}
