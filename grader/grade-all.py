#!/usr/bin/env python3
"""Grade a folder of submissions in parallel and write a gradebook.

    grade-all.py SUBMISSIONS [--jobs N] [--out DIR] [--timeout SECONDS] [TASK...]

SUBMISSIONS holds one subfolder or tarball per student; the student's id is its name.  Each
is graded by grader/submission.sh in its own scratch copy, its own grader namespaces and
cgroup scope, and (conductor) its own state root, so submissions cannot see each other.  A
submission that hangs is stopped after --timeout and marked; the batch goes on.
Writes OUT/gradebook.csv (a row per student, a column per test and per task),
OUT/gradebook.json and OUT/results/ID.json (Gradescope format) (OUT defaults to ./gradebook).
"""
import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

GRADER = Path(__file__).resolve().parent
TARBALL_SUFFIXES = (".tar.gz", ".tgz", ".tar")


def student_id(path: Path):
    for suffix in TARBALL_SUFFIXES:
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.name


def grade_one(path: Path, out: Path, timeout: int, tasks):
    sid = student_id(path)
    result_file = out / "results" / f"{sid}.json"
    log_file = out / "logs" / f"{sid}.log"
    env = dict(os.environ, KIT_PARALLEL="1")
    start = time.monotonic()
    with open(log_file, "w") as log:
        proc = subprocess.Popen(
            [str(GRADER / "submission.sh"), "--format", "gradescope", "--out",
             str(result_file), str(path), *tasks],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
            status = "graded" if proc.returncode == 0 and result_file.exists() else "crashed"
        except subprocess.TimeoutExpired:
            # The whole grader, not just its shell: TERM first, so the runner removes its
            # cgroups and kills what it started; KILL if it does not end in time.
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            status = "timed out"
    seconds = time.monotonic() - start
    results = json.loads(result_file.read_text()) if status == "graded" else None
    return sid, status, seconds, results


def task_of(test_name):
    return test_name.split(":", 1)[0]


def write_gradebook(out: Path, rows):
    tests = []
    for _, _, _, results in rows:
        for t in (results or {}).get("tests", []):
            if t["name"] not in tests:
                tests.append(t["name"])
    tasks = sorted({task_of(name) for name in tests})
    book = []
    for sid, status, seconds, results in sorted(rows):
        scores = {t["name"]: t["score"] for t in (results or {}).get("tests", [])}
        entry = {"student": sid, "status": status, "seconds": round(seconds, 1),
                 "score": (results or {}).get("score", 0),
                 "max_score": (results or {}).get("max_score", 0),
                 "tasks": {task: sum(v for k, v in scores.items() if task_of(k) == task)
                           for task in tasks},
                 "tests": scores}
        book.append(entry)
    (out / "gradebook.json").write_text(json.dumps(book, indent=2) + "\n")
    with open(out / "gradebook.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "status", "score", "max_score", *tasks, *tests])
        for e in book:
            writer.writerow([e["student"], e["status"], e["score"], e["max_score"],
                             *(e["tasks"].get(t, 0) for t in tasks),
                             *(e["tests"].get(t, "") for t in tests)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("submissions")
    ap.add_argument("tasks", nargs="*")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default="gradebook")
    ap.add_argument("--timeout", type=int, default=3600)
    args = ap.parse_args()
    if os.geteuid() != 0:
        print("grade-all: run as root (sudo make grade-all ...)", file=sys.stderr)
        return 2
    folder = Path(args.submissions)
    if not folder.is_dir():
        print(f"grade-all: {folder} is not a folder of submissions", file=sys.stderr)
        return 2
    entries = sorted(p for p in folder.iterdir()
                     if p.is_dir() or p.name.endswith(TARBALL_SUFFIXES))
    if not entries:
        print(f"grade-all: no submissions in {folder}", file=sys.stderr)
        return 2
    out = Path(args.out)
    (out / "results").mkdir(parents=True, exist_ok=True)
    (out / "logs").mkdir(exist_ok=True)
    rows, done = [], 0
    print(f"grading {len(entries)} submissions, {args.jobs} at a time", flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(grade_one, p, out, args.timeout, args.tasks) for p in entries]
        for fut in as_completed(futures):
            sid, status, seconds, results = fut.result()
            rows.append((sid, status, seconds, results))
            done += 1
            score = f"{results['score']}/{results['max_score']}" if results else status
            print(f"[{done}/{len(entries)}] {sid}: {score} ({seconds:.0f} s)", flush=True)
    write_gradebook(out, rows)
    print(f"gradebook: {out / 'gradebook.csv'} and {out / 'gradebook.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
