#!/usr/bin/env bats
# gradebook.html as an instructor sees it: rendered by headless Chromium, its screenshot
# measured (grader/selftest/screenshot_stats.py): a page that is not blank, with text, and the
# bars where the numbers say they are.  Needs the self-check's packages (chromium,
# python3-pil: grader/deps.sh --selfcheck, which `make test` runs first).
load ../lib/kit

KIT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
# python3-pil is Debian's: use Debian's python3 (a python3 earlier on PATH, e.g. pyenv's, has
# not got it).
PY=/usr/bin/python3

setup() {
    command -v chromium >/dev/null && "$PY" -c 'import PIL' 2>/dev/null ||
        fail_hint "chromium and python3-pil installed" "missing" "sudo grader/deps.sh --selfcheck"
}

# render HTML PNG HEIGHT : a screenshot of HTML, 1200 pixels wide, by a Chromium with a fresh
# profile (and HOME) of the test's own and no network of its own doing.
render() {
    local profile=$BATS_TEST_TMPDIR/chromium-profile
    rm -rf "$profile"
    HOME=$BATS_TEST_TMPDIR run_t 120 chromium --headless --no-sandbox --disable-gpu \
        --disable-background-networking --disable-component-update --disable-sync --no-first-run \
        --hide-scrollbars --user-data-dir="$profile" --window-size="1200,$3" \
        --screenshot="$2" "file://$1"
    [ -s "$2" ] || fail_hint "a screenshot $2" "none; chromium said: ${output:0:600}" \
        "chromium --headless --screenshot" || return 1
    expect_eq "Chromium processes left" "" "$(pgrep -f -- "--user-data-dir=$profile" || true)" \
        "a headless screenshot ends its browser"
}

# stats PNG : the screenshot's measurements, as shell variables (size, stddev, ink, ok_run ...).
stats() {
    local line
    while IFS='=' read -r key value; do
        printf -v "$key" '%s' "$value"
    done < <("$PY" "$BATS_TEST_DIRNAME/screenshot_stats.py" "$1")
}

@test "gradebook.html of a grade-all run renders: text, and the bars of each picture" {
    mkdir -p "$BATS_TEST_TMPDIR/subs/alice/task1" "$BATS_TEST_TMPDIR/subs/bob"
    cp "$KIT"/task1/*.c "$BATS_TEST_TMPDIR/subs/alice/task1/"
    run_t 600 "$KIT/grader/grade-all.py" --jobs 2 --out "$BATS_TEST_TMPDIR/book" \
        "$BATS_TEST_TMPDIR/subs" task1
    expect_status 0 "grade-all should finish"
    render "$BATS_TEST_TMPDIR/book/gradebook.html" "$BATS_TEST_TMPDIR/book.png" 2400
    stats "$BATS_TEST_TMPDIR/book.png"
    expect_eq "screenshot size" 1200x2400 "$size" "--window-size"
    awk -v s="$stddev" -v i="$ink" 'BEGIN { exit !(s > 10 && i > 0.001) }' ||
        fail_hint "a page with text (grey-level stddev > 10, ink > 0.1%)" "stddev $stddev, ink $ink" \
            "a blank or unstyled page: look at $BATS_TEST_TMPDIR/book.png"
    # alice (the reference) passes every test, bob (empty) none: every test and part is passed
    # by half the class (amber), alice's task1 is full (green), the distribution is blue.
    [ "$mid_pixels" -gt 1000 ] && [ "$ok_run" -gt 100 ] && [ "$count_pixels" -gt 1000 ] ||
        fail_hint "amber pass-rate bars, alice's green task bar, blue distribution bars" \
            "amber $mid_pixels px, longest green run $ok_run px, blue $count_pixels px" \
            "gradebook_html.py: the bars are styled divs; look at $BATS_TEST_TMPDIR/book.png"
}

@test "gradebook.html: each bar is as long as its rate; a timed-out submission is not a score of 0" {
    "$PY" - "$KIT/grader" "$BATS_TEST_TMPDIR/book.html" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from gradebook_html import write_html
# Three parts passed by 5, 3 and 1 of 5 students: bars 100% (green), 60% (amber), 20% (red).
tests = {"task1: 1.1 first part": 5, "task2: 2.3 second part": 3, "task3: 3.i third part": 1}
book = []
for i, student in enumerate(["alice", "bob", "carol", "dave", "erin"]):
    passed = {name: i < n for name, n in tests.items()}
    tasks = {name.split(":")[0]: 3 * ok for name, ok in passed.items()}
    book.append({"student": student, "status": "graded", "score": sum(tasks.values()),
                 "max_score": 9, "tasks": tasks, "task_max": {t: 3 for t in tasks},
                 "tests": {}, "passed": passed})
book.append({"student": "mallory", "status": "timed out", "score": 0, "max_score": 0,
             "tasks": {}, "task_max": {}, "tests": {}, "passed": {}})
write_html(sys.argv[2], book)
PY
    expect_match "gradebook.html" "Not in the distribution: 1 timed out" "$(cat "$BATS_TEST_TMPDIR/book.html")" \
        "a submission that was not graded is counted beside the distribution"
    render "$BATS_TEST_TMPDIR/book.html" "$BATS_TEST_TMPDIR/book.png" 1400
    stats "$BATS_TEST_TMPDIR/book.png"
    # The longest run of each colour is the per-part bar (the widest column).
    awk -v g="$ok_run" -v a="$mid_run" -v r="$low_run" \
        'BEGIN { exit !(g > 200 && a / g > 0.55 && a / g < 0.65 && r / g > 0.15 && r / g < 0.25) }' ||
        fail_hint "bars of 100%, 60% and 20%: amber/green 0.6, red/green 0.2" \
            "green $ok_run px, amber $mid_run px, red $low_run px" \
            "a bar's width is its rate: look at $BATS_TEST_TMPDIR/book.png"
}
