#!/usr/bin/env python3
"""Tamper evidence for the grader: a sealed copy of the files that decide a grade.

    seal.py save DIR LABEL=ROOT...          copy each ROOT's protected files into DIR/LABEL
                                            and record their SHA-256 in DIR/manifest.json
    seal.py check DIR [--restore] LABEL=ROOT...
                                            compare each ROOT with what LABEL's seal holds;
                                            print one line per file changed or removed
                                            ("tampered LABEL/PATH"), exit 1 if any;
                                            --restore puts the sealed version back

The student's programs run as root, so they can reach the grader's files; the grader cannot
stop that without a VM, but it can see it.  Protected: every file of the grader (its suites,
libraries and helpers decide the score) and, of a kit tree, the Makefiles and common/'s
sources (they decide what is built).  Files a run adds are not counted: only a changed or
removed file can alter how the existing suites judge.
"""
import hashlib
import json
import shutil
import sys
from pathlib import Path

KIT_PATTERNS = ("Makefile", "mk/*", "task*/Makefile", "common/Makefile", "common/*.c",
                "common/include/kit/*.h")


def protected(label, root: Path):
    if label.startswith("grader"):
        files = (p for p in root.rglob("*") if "__pycache__" not in p.parts)
    else:
        files = (p for pattern in KIT_PATTERNS for p in root.glob(pattern))
    return sorted(str(p.relative_to(root)) for p in files if p.is_file() and not p.is_symlink())


def digest(path: Path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parse_roots(args):
    roots = {}
    for arg in args:
        label, _, root = arg.partition("=")
        if not label or not root:
            sys.exit(f"seal.py: expected LABEL=ROOT, got '{arg}'")
        roots[label] = Path(root)
    return roots


def save(seal: Path, roots):
    manifest = {}
    for label, root in roots.items():
        manifest[label] = {}
        for rel in protected(label, root):
            dest = seal / label / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / rel, dest)
            manifest[label][rel] = digest(dest)
    (seal / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return 0


def check(seal: Path, roots, restore):
    manifest = json.loads((seal / "manifest.json").read_text())
    tampered = 0
    for label, root in roots.items():
        sealed_label = label.split(":")[-1]  # work:grader: a copy, checked against grader's seal
        for rel, want in manifest.get(sealed_label, {}).items():
            path = root / rel
            ok = path.is_file() and not path.is_symlink() and digest(path) == want
            if ok:
                continue
            tampered += 1
            print(f"tampered {label}/{rel} ({'changed' if path.exists() else 'removed'})")
            if restore:
                if path.is_symlink() or path.is_dir():
                    shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(seal / sealed_label / rel, path)
    return 1 if tampered else 0


def main(argv):
    if len(argv) < 3 or argv[0] not in ("save", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    seal = Path(argv[1])
    rest = argv[2:]
    restore = "--restore" in rest
    roots = parse_roots(a for a in rest if a != "--restore")
    return save(seal, roots) if argv[0] == "save" else check(seal, roots, restore)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
