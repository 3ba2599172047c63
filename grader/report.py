#!/usr/bin/env python3
"""Turn the grader's TAP results into a score report.

    report.py [--format text|tap|junit|gradescope|classroom] [--out FILE] [--expect full|zero]
              [--filter REGEX] RESULTS_DIR

RESULTS_DIR holds, per suite NAME (task1, task2-scratch, ...): NAME.tap (bats --tap output),
NAME.err (bats' stderr), NAME.suite (the .bats file's path), NAME.leaks (one line per thing
the suite left behind) and, if a program changed the grader's files while the suite ran,
NAME.tampered (grader/seal.py).  A test's points are the "[N]" that ends its name; the
suite's task is the part of NAME before the first '-'.  Every format ends with "Score: N/M"
(on stderr for the machine formats when they go to stdout).  A suite that stopped early still
counts the tests it did not run (those of its .bats file that --filter selects) as lost.
--expect makes the exit status say whether the kit checks itself right: full = every test
passed; zero = no test scored a point and nothing leaked.
"""
import argparse
import base64
import json
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

RESULT = re.compile(r"^(ok|not ok) (\d+) (.*?)(?: # (skip|SKIP)\b ?(.*))?$")
POINTS = re.compile(r"\s*\[(\d+)\]\s*$")
BATS_TRACE = re.compile(r"^\s*(\(?(from function|in test file) |`.*' failed)")  # where bats saw it fail
FAILED_COMMAND = re.compile(r"^\s*`.*' failed")


class Test:
    def __init__(self, task, suite, name, passed, points, output="", skipped=False,
                 hidden=False):
        self.task, self.suite, self.name, self.hidden = task, suite, name, hidden
        self.failed_command = ""  # bats' "`cmd' failed": shown when nothing else explains
        self.passed, self.max_points, self.output = passed, points, output
        self.skipped = skipped

    @property
    def score(self):
        return self.max_points if self.passed else 0


TEST_DECL = re.compile(r"""^\s*@test\s+(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*\{""")


def declared_tests(tap_file: Path, name_filter):
    """The names of the tests the suite's .bats file declares (NAME.suite holds its path)
    that bats --filter NAME_FILTER would run."""
    suite = tap_file.with_suffix(".suite")
    try:
        text = Path(suite.read_text().strip()).read_text(errors="replace")
    except OSError:
        return []
    names = [m.group(1).replace('\\"', '"') if m.group(1) is not None else m.group(2)
             for m in map(TEST_DECL.match, text.splitlines()) if m]
    return [n for n in names if not name_filter or re.search(name_filter, n)]


def unrun_tests(tap_file: Path, task, suite, ran, name_filter, why, hidden):
    """A failed test for each declared test that did not run, with its points."""
    seen = {t.name for t in ran}
    lost = []
    for name in declared_tests(tap_file, name_filter):
        pm = POINTS.search(name)
        short = POINTS.sub("", name) + (" (hidden)" if hidden else "")
        if short not in seen:
            lost.append(Test(task, suite, short, False, int(pm.group(1)) if pm else 0,
                             f"not run: {why}\n", hidden=hidden))
    return lost


FILE_HOOK_FAILED = ("setup_file failed", "teardown_file failed")  # bats' own extra results


def read_end(tap_file: Path):
    """How the suite's jail ended (NAME.end: the exit status of its time limit, 124/137 when
    the limit struck) and how bats ended (first line of NAME.jail: "exit N" / "signal N")."""
    def first_line(suffix):
        path = tap_file.with_suffix(suffix)
        return path.read_text(errors="replace").split("\n", 1)[0].strip() if path.exists() else ""
    return first_line(".end"), first_line(".jail")


def stream_problems(tap_file: Path, results, plans, name_filter):
    """Why the TAP stream cannot be bats' own, if it cannot.  bats numbers its results 1, 2,
    ... in the order the .bats file declares the tests, says its plan once before them, and
    exits 0 only when none failed.  A program under test can add lines to the stream (it
    inherits bats' output as fd 3), but not take bats' own away: any line it adds breaks that
    order.  RESULTS: (passed, number, name) as read."""
    problems = []
    declared = [POINTS.sub("", n) for n in declared_tests(tap_file, name_filter)]
    if len(plans) > 1 or (plans and plans[0][1] > 0) or (results and not plans):
        problems.append("the plan line (1..N) is missing, repeated or after a result")
    expected = iter(declared)
    for i, (passed, number, name) in enumerate(results, 1):
        if number != i:
            problems.append(f"result {number} where bats would write result {i} ({'ok' if passed else 'not ok'} {name})")
            break
        if not passed and name in FILE_HOOK_FAILED:
            continue
        want = next(expected, None)
        if declared and want != name:
            problems.append(f"result {i} names '{name}', the suite's test {i} is '{want}'")
            break
    planned = plans[0][0] if plans else None
    end, jail = read_end(tap_file)
    complete = planned is not None and len(results) >= planned
    if complete and end in ("124", "137"):
        problems.append("every result was in, yet bats never ended (stopped at the time limit)")
    if jail == "exit 0" and any(not passed for passed, _, _ in results):
        problems.append("bats exited 0 (all passed) but the stream has a failure")
    if jail == "exit 1" and complete and results and all(p for p, _, _ in results):
        problems.append("bats exited 1 (a failure) but the stream says every test passed")
    return problems


def parse_suite(tap_file: Path, name_filter=None):
    suite = tap_file.stem
    task = suite.split("-")[0]
    tests, planned, current = [], None, None
    results, plans = [], []
    hidden = tap_file.with_suffix(".hidden").exists()
    for line in tap_file.read_text(errors="replace").splitlines():
        if re.match(r"^1\.\.\d+$", line):
            planned = int(line[3:])
            plans.append((planned, len(results)))
            continue
        m = RESULT.match(line)
        if m:
            status, number, name, skip, _ = m.groups()
            results.append((status == "ok", int(number), POINTS.sub("", name)))
            pm = POINTS.search(name)
            points = int(pm.group(1)) if pm else 0
            current = Test(task, suite, POINTS.sub("", name) + (" (hidden)" if hidden else ""),
                           status == "ok", points, skipped=bool(skip), hidden=hidden)
            if skip:  # a skipped test earns nothing: it proved nothing
                current.passed = False
                current.output = f"skipped: {m.group(5) or ''}\n"
            tests.append(current)
        elif line.startswith("#") and current is not None and not current.passed:
            text = line[2:] if line.startswith("# ") else line[1:]
            if not BATS_TRACE.match(text):
                current.output += text + "\n"
            elif FAILED_COMMAND.match(text):
                current.failed_command = text.strip()
    for t in tests:  # a failure with no message of its own: say at least what failed
        if not t.passed and not t.output.strip() and t.failed_command:
            t.output = t.failed_command + "\n"
    err = tap_file.with_suffix(".err")
    err_text = err.read_text(errors="replace").strip() if err.exists() else ""
    if planned is None or planned > len(tests):
        why = f"bats stopped early ({len(tests)} of {planned or '?'} tests ran)"
        tests.extend(unrun_tests(tap_file, task, suite, tests, name_filter, why, hidden))
        tests.append(Test(task, suite, f"{suite} ran to the end", False, 0,
                          why + "\n" + err_text[-2000:]))
    problems = stream_problems(tap_file, results, plans, name_filter)
    if problems:  # voided with the task, as a changed grader file is (void_tampered_tasks)
        with open(tap_file.with_suffix(".tampered"), "a") as mark:
            mark.write("".join(f"forged report: {p}\n" for p in problems))
    leaks = tap_file.with_suffix(".leaks")
    leak_text = leaks.read_text().strip() if leaks.exists() else ""
    label = "" if suite == task else f"{suite}: "
    tests.append(Test(task, suite, f"{label}nothing left behind", not leak_text, 0,
                      (leak_text + "\nhint: every mount, cgroup, link and process a program "
                       "creates must be gone when it exits\n") if leak_text else ""))
    return tests


def void_tampered_tasks(results: Path, tests):
    """A task during whose suites a program changed the grader's files (grader/seal.py saw
    it: NAME.tampered) scores 0 whatever its tests said, and the report names the files."""
    for mark in sorted(results.glob("*.tampered")):
        task = mark.stem.split("-")[0]
        files = mark.read_text(errors="replace").strip()
        for t in tests:
            if t.task == task and t.passed:
                t.passed = False
                t.output = "void: the grader's files were changed while this task was graded\n"
        tests.append(Test(task, mark.stem, "grader untouched", False, 0,
                          f"grader tampered during {mark.stem}:\n{files}\n"
                          "hint: a program under test changed the grader or the kit's files; "
                          "the changes were undone and this task scores 0\n"))
    return tests


def totals(tests):
    return sum(t.score for t in tests), sum(t.max_points for t in tests)


def by_task(tests):
    tasks = {}
    for t in tests:
        tasks.setdefault(t.task, []).append(t)
    return tasks


def render_text(tests):
    out, width = [], 74
    for task, items in by_task(tests).items():
        out.append(f"{task}")
        for t in items:
            mark = "PASS" if t.passed else ("SKIP" if t.skipped else "FAIL")
            name = t.name if len(t.name) <= width else t.name[: width - 3] + "..."
            out.append(f"  {mark}  {name:<{width}} {t.score:>3}/{t.max_points}")
            if not t.passed:
                out.extend("        " + line for line in t.output.rstrip().splitlines()[:25])
        got, best = totals(items)
        out.append(f"  {'subtotal ' + task:<{width + 6}} {got:>3}/{best}")
        out.append("")
    return "\n".join(out) + "\n"


def render_tap(tests):
    lines = [f"1..{len(tests)}"]
    for i, t in enumerate(tests, 1):
        lines.append(f"{'ok' if t.passed else 'not ok'} {i} {t.task}: {t.name} [{t.max_points}]")
        if not t.passed:
            lines.extend("# " + line for line in t.output.rstrip().splitlines())
    return "\n".join(lines) + "\n"


def render_junit(tests):
    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"]
    for task, items in by_task(tests).items():
        failures = sum(not t.passed for t in items)
        parts.append(f"  <testsuite name={quoteattr(task)} tests=\"{len(items)}\" "
                     f"failures=\"{failures}\">")
        for t in items:
            parts.append(f"    <testcase classname={quoteattr(task)} name={quoteattr(t.name)}>")
            if not t.passed:
                parts.append(f"      <failure message=\"0/{t.max_points}\">"
                             f"{escape(t.output)}</failure>")
            parts.append("    </testcase>")
        parts.append("  </testsuite>")
    parts.append("</testsuites>")
    return "\n".join(parts) + "\n"


def render_gradescope(tests):
    got, best = totals(tests)
    return json.dumps({
        "score": got,
        "max_score": best,
        "tests": [{"name": f"{t.task}: {t.name}", "score": t.score,
                   "max_score": t.max_points, "output": t.output,
                   "visibility": "after_due_date" if t.hidden else "visible"}
                  for t in tests],
    }, indent=2) + "\n"


def render_classroom(tests):
    """GitHub Classroom's autograding reporter reads one base64 JSON per runner
    (classroom-resources/autograding-grading-reporter): partial points per test."""
    got, best = totals(tests)
    result = {
        "version": 1,
        "status": "pass" if all(t.passed for t in tests) else "fail",
        "max_score": best,
        "tests": [{"name": f"{t.task}: {t.name}", "status": "pass" if t.passed else "fail",
                   "score": t.score, "message": t.output, "line_no": 0, "filename": "",
                   "test_code": ""} for t in tests],
    }
    return base64.b64encode(json.dumps(result).encode()).decode() + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--format", default="text", choices=["text", "tap", "junit", "gradescope", "classroom"])
    ap.add_argument("--out")
    ap.add_argument("--expect", choices=["full", "zero"])
    ap.add_argument("--filter", help="the --filter the suites ran with (which tests count)")
    ap.add_argument("results")
    args = ap.parse_args()

    tests = []
    for log in sorted(Path(args.results).glob("*.build")):
        tests.append(Test(log.stem, log.stem, "builds", False, 0,
                          "the build failed; its last lines:\n"
                          + "\n".join(log.read_text(errors="replace").splitlines()[-30:])))
    # Each task's suites in name order, its hidden suites after them.
    for tap in sorted(Path(args.results).glob("*.tap"),
                      key=lambda p: (p.with_suffix(".hidden").exists(), p.stem)):
        tests.extend(parse_suite(tap, args.filter))
    tests = void_tampered_tasks(Path(args.results), tests)
    tests.sort(key=lambda t: t.task)  # stable: a task's build result stays first
    got, best = totals(tests)
    render = {"text": render_text, "tap": render_tap, "junit": render_junit,
              "gradescope": render_gradescope, "classroom": render_classroom}[args.format]
    body = render(tests)
    score_line = f"Score: {got}/{best}"
    if args.out:
        Path(args.out).write_text(body)
        print(score_line)
    elif args.format == "text":
        sys.stdout.write(body + score_line + "\n")
    elif args.format == "tap":
        sys.stdout.write(body + "# " + score_line + "\n")
    else:
        sys.stdout.write(body)
        print(score_line, file=sys.stderr)

    if not args.expect:
        return 0
    if args.expect == "full":
        bad = [t for t in tests if not t.passed]
        why = "the reference fails"
    else:
        bad = [t for t in tests if (t.max_points > 0) == t.passed]
        why = "on the handout, unexpectedly passes or fails"
    for t in bad:
        print(f"self-check: {why}: {t.task}: {t.name}", file=sys.stderr)
    # The plain closing line CI reads: tests that behaved as the self-check expects.
    print(f"self-check ({args.expect}): {len(tests) - len(bad)} passed, {len(bad)} failed")
    return 1 if bad or not tests else 0


if __name__ == "__main__":
    sys.exit(main())
