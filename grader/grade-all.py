#!/usr/bin/env python3
"""Grade a folder of submissions in parallel and write a gradebook.

    grade-all.py SUBMISSIONS [--jobs N] [--out DIR] [--timeout SECONDS] [TASK...]

SUBMISSIONS holds one subfolder or tarball per student; the student's id is its name.  Each
is graded by grader/submission.sh in its own scratch copy, its own grader namespaces and
cgroup scope, and (conductor) its own state root, so submissions cannot see each other.
The kit is read into memory once, at the start, and each submission is graded by a fresh
copy of it written from there: a submission that changes the grader (its programs run as
root) changes only its own copy, never another row.  At the end the kit on disk is compared
with what was read, and anything a submission changed is put back and named.  A
submission that hangs is stopped after --timeout and marked; the batch goes on.
Writes OUT/gradebook.csv (a row per student, a column per test and per task),
OUT/gradebook.json, OUT/gradebook.html (pass rate per test, score distribution, a row per
student: grader/gradebook_html.py) and OUT/results/ID.json (Gradescope format) (OUT defaults
to ./gradebook).
"""
import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from gradebook_html import write_html

GRADER = Path(__file__).resolve().parent
TARBALL_SUFFIXES = (".tar.gz", ".tgz", ".tar")


def student_id(path: Path):
    for suffix in TARBALL_SUFFIXES:
        if path.name.endswith(suffix):
            return path.name[: -len(suffix)]
    return path.name


def read_kit(kit: Path):
    """The kit's source files (git's list in a checkout, every file otherwise), in memory."""
    try:
        listed = subprocess.run(["git", "-C", str(kit), "ls-files", "-z", "--cached", "--others", "--exclude-standard"], check=True,
                                capture_output=True).stdout.decode().split("\0")
    except (OSError, subprocess.CalledProcessError):
        listed = [str(p.relative_to(kit)) for p in kit.rglob("*") if ".git" not in p.parts]
    files = {}
    for rel in filter(None, listed):
        path = kit / rel
        if path.is_file() and not path.is_symlink():
            files[rel] = (path.read_bytes(), path.stat().st_mode & 0o777)
    return files


def write_kit(files, dest: Path):
    for rel, (data, mode) in files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        path.chmod(mode)


def restore_kit(files, kit: Path):
    """Put back every file of the kit that differs from what was read; return their names."""
    changed = []
    for rel, (data, mode) in files.items():
        path = kit / rel
        if path.is_symlink() or not path.is_file() or path.read_bytes() != data:
            changed.append(rel)
            if path.is_symlink() or path.exists():
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
            write_kit({rel: (data, mode)}, kit)
    return changed


def grade_one(path: Path, out: Path, timeout: int, tasks, kit_files):
    sid = student_id(path)
    result_file = out / "results" / f"{sid}.json"
    log_file = out / "logs" / f"{sid}.log"
    env = dict(os.environ, KIT_PARALLEL="1")
    start = time.monotonic()
    kit_copy = Path(tempfile.mkdtemp(prefix="kit-grade-all."))
    write_kit(kit_files, kit_copy)
    try:
        status = run_submission(kit_copy, path, result_file, log_file, env, timeout, tasks)
    finally:  # on one filesystem: a mount left in the copy must not lead rm elsewhere
        subprocess.run(["rm", "-rf", "--one-file-system", str(kit_copy)], check=False)
    seconds = time.monotonic() - start
    results = json.loads(result_file.read_text()) if status == "graded" else None
    return sid, status, seconds, results


def run_submission(kit_copy, path, result_file, log_file, env, timeout, tasks):
    with open(log_file, "w") as log:
        proc = subprocess.Popen(
            [str(kit_copy / "grader" / "submission.sh"), "--format", "gradescope", "--out",
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
    return status


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
        graded = (results or {}).get("tests", [])
        scores = {t["name"]: t["score"] for t in graded}
        entry = {"student": sid, "status": status, "seconds": round(seconds, 1),
                 "score": (results or {}).get("score", 0),
                 "max_score": (results or {}).get("max_score", 0),
                 "tasks": {task: sum(v for k, v in scores.items() if task_of(k) == task)
                           for task in tasks},
                 "task_max": {task: sum(t["max_score"] for t in graded
                                        if task_of(t["name"]) == task) for task in tasks},
                 "tests": scores,
                 # a 0-point test (builds, nothing left behind) passed when it says nothing
                 "passed": {t["name"]: t["score"] == t["max_score"] and
                            (t["max_score"] > 0 or not t["output"].strip()) for t in graded}}
        book.append(entry)
    (out / "gradebook.json").write_text(json.dumps(book, indent=2) + "\n")
    write_html(out / "gradebook.html", book)
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
    kit = GRADER.parent
    kit_files = read_kit(kit)
    rows, done = [], 0
    print(f"grading {len(entries)} submissions, {args.jobs} at a time", flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(grade_one, p, out, args.timeout, args.tasks, kit_files) for p in entries]
        for fut in as_completed(futures):
            sid, status, seconds, results = fut.result()
            rows.append((sid, status, seconds, results))
            done += 1
            score = f"{results['score']}/{results['max_score']}" if results else status
            print(f"[{done}/{len(entries)}] {sid}: {score} ({seconds:.0f} s)", flush=True)
    write_gradebook(out, rows)
    changed = restore_kit(kit_files, kit)
    if changed:
        print(f"grade-all: WARNING: the kit's files were changed during the batch and have been "
              f"put back: {', '.join(changed[:10])}{' ...' if len(changed) > 10 else ''}")
    print(f"gradebook: {out / 'gradebook.csv'}, {out / 'gradebook.json'} and "
          f"{out / 'gradebook.html'} (open it in a browser)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
