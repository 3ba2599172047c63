#!/usr/bin/env python3
"""Grade a folder of submissions in parallel and write a gradebook.

    grade-all.py SUBMISSIONS [--jobs N] [--out DIR] [--timeout SECONDS] [TASK...]

SUBMISSIONS holds one subfolder or tarball per student; the student's id is its name.  Each
is graded by grader/submission.sh in its own scratch copy, its own grader namespaces and
cgroup scope, and (conductor) its own state root, so submissions cannot see each other.
The kit is read into memory once, at the start, and each submission is graded by a fresh
copy of it written from there: a submission that changes the grader (its programs run as
root) changes only its own copy, never another row.  Each submission's files (its kit copy,
its scratch tree, its results) live in a /tmp of its own that the other submissions' jails
cannot see (PRIVATE below).  --vm grades each in a throwaway VM instead (grader/vm/), the
boundary that holds even against root code that attacks the kernel.  At the end the kit on disk is compared
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


# Each submission's own /tmp (its kit copy, its scratch tree, its grader's results) is a
# directory below this one, bound on /tmp in a mount namespace of its own; the jail its
# programs run in (grader/jail.py) finds this folder, the gradebook, the submissions and the
# kit under empty covers (KIT_JAIL_COVER), so no submission reaches another's files.
PRIVATE = Path("/var/tmp/kit-grading")
KIT_CACHE = Path(os.environ.get("KIT_CACHE", "/var/cache/kit"))


def grade_one(path: Path, out: Path, args, kit_files, covers):
    sid = student_id(path)
    result_file = out / "results" / f"{sid}.json"
    log_file = out / "logs" / f"{sid}.log"
    start = time.monotonic()
    PRIVATE.mkdir(mode=0o700, exist_ok=True)
    own = Path(tempfile.mkdtemp(prefix=f"{sid}.", dir=PRIVATE))
    try:
        write_kit(kit_files, own / "kit")
        inside = own / ("submission" + path.name[len(sid):])
        if path.is_dir():
            shutil.copytree(path, inside, symlinks=True)
        else:
            shutil.copy2(path, inside)
        run = run_in_vm if args.vm else run_private
        status = run(own, inside.name, log_file, args.timeout, args.tasks, covers)
        results = None
        if status == "graded":
            results = json.loads((own / "result.json").read_text())
            result_file.write_text(json.dumps(results, indent=2) + "\n")
    finally:  # on one filesystem: a mount left in the copy must not lead rm elsewhere
        subprocess.run(["rm", "-rf", "--one-file-system", str(own)], check=False)
    return sid, status, time.monotonic() - start, results


# In the submission's mount namespace: the kit's cache as an overlay whose writes land in the
# submission's own directory (what it adds or changes there is its own and goes with it),
# then that directory on /tmp.
PRIVATE_VIEW = """set -e
own=$1 lower=$2
shift 2
mkdir -p "$own/cache" "$own/cache-upper" "$own/cache-work"
mount -t overlay kit-cache -o "lowerdir=$lower,upperdir=$own/cache-upper,workdir=$own/cache-work" "$own/cache"
mount --bind "$own" /tmp
exec "$@"
"""


def run_private(own, name, log_file, timeout, tasks, covers):
    """submission.sh from the submission's kit copy, in a mount namespace of its own."""
    env = dict(os.environ, KIT_PARALLEL="1", KIT_JAIL_COVER=":".join(map(str, covers)),
               KIT_CACHE="/tmp/cache")
    cmd = ["unshare", "--mount", "--propagation", "private", "--", "bash", "-c", PRIVATE_VIEW,
           "private-view", str(own), str(KIT_CACHE), "/tmp/kit/grader/submission.sh",
           "--format", "gradescope", "--out", "/tmp/result.json", f"/tmp/{name}", *tasks]
    return run_logged(cmd, env, log_file, timeout, own / "result.json")


def seed_cache(kit: Path, tasks):
    """The debootstrap base task3 and task4 build on, made once in the shared cache by the
    kit's own conductor (the reference: trusted), so that no submission makes it in its own
    overlay.  Nothing to do when it is there; a warning when it cannot be made."""
    if tasks and not {"task3", "task4"} & set(tasks):
        return
    bases = KIT_CACHE / "conductor" / "bases"
    if (bases / "debian-bookworm").is_dir():
        return
    print("grade-all: making the debian:bookworm base once for every submission", flush=True)
    with tempfile.TemporaryDirectory(prefix="kit-seed.") as tmp:
        (Path(tmp) / "Conductorfile").write_text("FROM debian:bookworm\n")
        env = dict(os.environ, CONDUCTOR_ROOT=f"{tmp}/root", CONDUCTOR_BASES=str(bases),
                   CONDUCTOR_CONFIG="/dev/null")
        ok = subprocess.run(["make", "-s", "-C", str(kit), "common", "task3"],
                            capture_output=True).returncode == 0 and subprocess.run(
            [str(kit / "task3" / "conductor"), "build", "kit-seed", f"{tmp}/Conductorfile"],
            env=env, capture_output=True).returncode == 0
    if not ok:
        print("grade-all: WARNING: could not make the base; each submission makes its own",
              flush=True)


def run_in_vm(own, name, log_file, timeout, tasks, covers):
    """submission.sh in a throwaway VM of its own (grader/vm/grade-submission.sh)."""
    cmd = [str(own / "kit" / "grader" / "vm" / "grade-submission.sh"), "--timeout",
           str(timeout), str(own / "kit"), str(own / name), str(own / "result.json"), *tasks]
    return run_logged(cmd, dict(os.environ), log_file, timeout + 300, own / "result.json")


def run_logged(cmd, env, log_file, timeout, result):
    with open(log_file, "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        try:
            proc.wait(timeout=timeout)
            status = "graded" if proc.returncode == 0 and result.exists() else "crashed"
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
    ap.add_argument("--vm", action="store_true",
                    help="grade each submission in a throwaway VM of its own (grader/vm/)")
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
    covers = [PRIVATE, out.resolve(), folder.resolve(), kit]
    KIT_CACHE.mkdir(parents=True, exist_ok=True)
    if not args.vm:
        seed_cache(kit, args.tasks)
    rows, done = [], 0
    print(f"grading {len(entries)} submissions, {args.jobs} at a time", flush=True)
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(grade_one, p, out, args, kit_files, covers) for p in entries]
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
