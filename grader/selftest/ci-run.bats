#!/usr/bin/env bats
# .ci/run itself (make test runs this): with a stand-in make that prints a known log, it must
# exit with make's status and sum the log's checks into its "ci: N passed, M failed" line.
# (A quote in its awk program once broke that last line and made a green run red.)
load ../lib/kit

KIT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# fake_make STATUS : a make on PATH that prints one line of each kind .ci/run counts.
fake_make() {
    mkdir -p "$BATS_TEST_TMPDIR/bin"
    cat >"$BATS_TEST_TMPDIR/bin/make" <<MAKE
#!/bin/sh
[ "\$1" = deps ] && exit 0
echo '[  PASSED  ] 3 test(s).'
echo 'self-check (full): 5 passed, 0 failed'
echo 'ok 1 a selftest'
echo 'not ok 2 another'
echo 'fence 1.1: its 2 test(s) fail with the stub, as they should'
echo 'mutant task1/x: killed (0/3)'
echo 'docs-check: 4 passed, 1 failed, 2 skipped (3 s)'
exit $1
MAKE
    chmod +x "$BATS_TEST_TMPDIR/bin/make"
}

@test ".ci/run: make's status and one summary line over every kind of check" {
    fake_make 0
    PATH=$BATS_TEST_TMPDIR/bin:$PATH CI_VM_TASKS= run_t 60 bash "$KIT/.ci/run"
    expect_status 0 "make test passed, so .ci/run passes"
    expect_eq "the summary line" "ci: 15 passed, 2 failed" "$(tail -n 1 <<<"$output")" \
        "3 unit + 5 self-check + 1 TAP + 1 fence + 1 mutant + 4 docs; 1 TAP + 1 docs failed"
    fake_make 2
    PATH=$BATS_TEST_TMPDIR/bin:$PATH CI_VM_TASKS= run_t 60 bash "$KIT/.ci/run"
    expect_status 2 "a failed make test fails CI"
}
