#!/usr/bin/env python3
"""Make the student handout from the kit: every fenced solution replaced by its stub.

    handout.py [--kit DIR] [--out DIR]       (default: this kit, dist/)

Writes OUT/handout/ (the tree) and OUT/handout.tar.gz.  The kit's own files are taken from
`git ls-files` (so build outputs never leak in), or every file when the kit is no checkout.

Fences (docs/ARCHITECTURE.md):
    /* >>> ID what to do ...      }   kept, with ">>> ID" turned into "TODO ID:"
     *     more comment lines */  }
    ...reference code...              dropped
    /* <<< ID stub: CODE */           becomes CODE (indented like the marker)
`#` comments work the same in shell, Makefiles and Python; in Markdown the answers between
`<!-- >>> ID -->` and `<!-- <<< ID -->` are dropped.  A block whose ID is "instructor" is
dropped whole, comment included.  Files listed in grader/handout.exclude are left out.
"""
import argparse
import fnmatch
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

BEGIN = re.compile(r"^(\s*)(/\*|#|<!--)\s*>>>\s*(\S+)")
END = re.compile(r"^(\s*)(/\*|#|<!--)\s*<<<\s*(\S+)(?:\s+stub:\s?(.*?))?\s*(?:\*/|-->)?\s*$")


class FenceError(Exception):
    pass


def opening_comment(lines, i, opener):
    """The lines of the comment that opens a fence at lines[i]; returns (lines, next index)."""
    if opener == "/*":
        j = i
        while "*/" not in lines[j]:
            j += 1
            if j == len(lines):
                raise FenceError(f"line {i + 1}: comment never closed")
        return lines[i:j + 1], j + 1
    if opener == "#":
        j = i + 1
        while j < len(lines) and lines[j].lstrip().startswith("#") \
                and not BEGIN.match(lines[j]) and not END.match(lines[j]):
            j += 1
        return lines[i:j], j
    return [], i + 1  # Markdown: the answer goes, nothing is kept


def strip_fences(text, only=None, removed=None):
    """Replace fenced blocks by their stubs; with ONLY, just the blocks of that id.
    Each solution taken out is appended to REMOVED (a list of line lists) when given."""
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if END.match(line):
            raise FenceError(f"line {i + 1}: '<<<' without an opening '>>>'")
        m = BEGIN.match(line)
        if not m:
            out.append(line)
            i += 1
            continue
        indent, opener, fence_id = m.groups()
        start = i
        comment, i = opening_comment(lines, i, opener)
        while i < len(lines) and not END.match(lines[i]):
            if BEGIN.match(lines[i]):
                raise FenceError(f"line {i + 1}: fence inside fence {fence_id}")
            i += 1
        if i == len(lines):
            raise FenceError(f"fence {fence_id} is never closed")
        end = END.match(lines[i])
        if end.group(3) != fence_id:
            raise FenceError(f"line {i + 1}: fence {fence_id} closed as {end.group(3)}")
        i += 1
        if only and fence_id != only:
            out.extend(lines[start:i])
            continue
        if fence_id == "instructor":
            continue
        if opener == "<!--":
            out.append(f"{indent}<!-- answer {fence_id} is not part of the handout -->")
            continue
        if removed is not None:
            removed.append(lines[start + len(comment):i - 1])
        comment[0] = re.sub(r">>>\s*" + re.escape(fence_id) + r"\s*", f"TODO {fence_id}: ",
                            comment[0], count=1)
        out.extend(comment)
        stub = end.group(4)
        if stub:
            out.append(end.group(1) + stub)
    return "\n".join(out)


def kit_files(kit: Path):
    if (kit / ".git").exists():
        listed = subprocess.run(["git", "-C", str(kit), "ls-files", "-z"], check=True,
                                capture_output=True).stdout.decode().split("\0")
        return [p for p in listed if p and (kit / p).is_file()]
    # No checkout (a kit unpacked from a tarball): every file but build outputs.
    return [str(p.relative_to(kit)) for p in kit.rglob("*")
            if p.is_file() and ".git" not in p.parts and p.parts[0] not in ("dist", "build")
            and p.suffix not in (".o", ".a") and not _is_elf(p)]


def _is_elf(path):
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def excluded(path, patterns):
    return any(fnmatch.fnmatch(path, pat) or path.startswith(pat.rstrip("/") + "/")
               for pat in patterns)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kit", default=str(Path(__file__).resolve().parent.parent))
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", metavar="ID",
                    help="stub only the fences with this id (to check that their tests fail)")
    ap.add_argument("--no-leak-check", action="store_true",
                    help="skip the search for answers outside their fences (grading a "
                         "submission needs the stubs, not a handout fit to ship)")
    args = ap.parse_args()
    kit = Path(args.kit).resolve()
    out_dir = Path(args.out) if args.out else kit / "dist"
    tree = out_dir / "handout"
    if tree.exists():
        shutil.rmtree(tree)
    exclude_file = kit / "grader" / "handout.exclude"
    patterns = [ln.strip() for ln in exclude_file.read_text().splitlines()
                if ln.strip() and not ln.startswith("#")] if exclude_file.exists() else []

    errors, fenced, removed = [], 0, []
    for rel in sorted(kit_files(kit)):
        if excluded(rel, patterns):
            continue
        src, dst = kit / rel, tree / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = src.read_text()
        except UnicodeDecodeError:
            shutil.copy2(src, dst)
            continue
        if ">>>" in text:
            try:
                new = strip_fences(text, args.only, removed)
            except FenceError as e:
                errors.append(f"{rel}: {e}")
                continue
            fenced += new != text
            text = new
        dst.write_text(text)
        shutil.copymode(src, dst)
    if errors:
        for e in errors:
            print(f"handout: {e}", file=sys.stderr)
        return 1
    leftovers = [] if args.only else [str(p.relative_to(tree)) for p in tree.rglob("*")
                                       if p.is_file() and _has_marker(p)]
    if leftovers:
        print(f"handout: fence markers survived in {', '.join(leftovers)}", file=sys.stderr)
        return 1
    if not args.only and not args.no_leak_check:
        leaks = surviving_solutions(tree, removed)
        for where, run in leaks:
            print(f"handout: {where}: three answer lines survive: {run}", file=sys.stderr)
        if leaks:
            return 1
    with tarfile.open(out_dir / "handout.tar.gz", "w:gz") as tar:
        tar.add(tree, arcname="handout")
    print(f"handout: {out_dir / 'handout.tar.gz'} ({fenced} files with student parts)")
    return 0


# A code line reduced to what carries the answer: no spaces, no "if (" ... "< 0)" around a
# call, no trailing ";" or "{", so the same call quoted in prose or a hint string matches.
_TRAILER = re.compile(r"(?:<0\)|==-1\)|;|\{|&&|\\)+$")


def _core(line):
    core = re.sub(r"\s+", "", line)
    if core.startswith(("//", "/*", "*", "#")):
        return ""
    return _TRAILER.sub("", re.sub(r"^(?:if\(|while\(|return)", "", core))


def answer_runs(removed_blocks, length=3):
    """Every run of LENGTH consecutive telling lines (cores of 10 characters or more) of the
    solutions taken out."""
    found = set()
    for block in removed_blocks:
        cores = [c for c in map(_core, block) if len(c) >= 10]
        found.update(tuple(cores[i:i + length]) for i in range(len(cores) - length + 1))
    return found


def surviving_solutions(tree: Path, removed_blocks, window=400):
    """Where a run of three answer lines still stands in the handout - in code, walkthroughs,
    test hint strings, bench scripts - in order, each within WINDOW characters (spaces
    removed) of the one before: an answer quoted outside its fence would ship with it.
    Returns (path:line, the run) pairs."""
    runs = answer_runs(removed_blocks)
    pieces = {c for run in runs for c in run}
    found = []
    for path in sorted(tree.rglob("*")):
        try:
            lines = path.read_text().splitlines() if path.is_file() else None
        except UnicodeDecodeError:
            continue
        if lines is None:
            continue
        text, line_at = [], []  # the file without spaces, and the line of each character
        for n, line in enumerate(lines, 1):
            squeezed = re.sub(r"\s+", "", line)
            text.append(squeezed)
            line_at.extend([n] * len(squeezed))
        text = "".join(text)
        present = {c for c in pieces if c in text}
        for run in runs:
            if not all(c in present for c in run):
                continue
            at = _in_order(text, run, window)
            if at is not None:
                found.append((f"{path.relative_to(tree)}:{line_at[at]}", " / ".join(run)))
    return found


def _in_order(text, run, window):
    """Offset of the first piece of RUN where all its pieces follow in order, or None."""
    start = text.find(run[0])
    while start >= 0:
        at, ok = start + len(run[0]), True
        for piece in run[1:]:
            nxt = text.find(piece, at)
            if nxt < 0 or nxt - at > window:
                ok = False
                break
            at = nxt + len(piece)
        if ok:
            return start
        start = text.find(run[0], start + 1)
    return None


def _has_marker(path):
    try:
        return any(BEGIN.match(l) or END.match(l) for l in path.read_text().splitlines())
    except UnicodeDecodeError:
        return False


if __name__ == "__main__":
    sys.exit(main())
