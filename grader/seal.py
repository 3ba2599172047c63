#!/usr/bin/env python3
"""Tamper evidence for the grader: a sealed copy of the files that decide a grade.

    seal.py save DIR LABEL=ROOT...          copy each ROOT's protected files into DIR/LABEL
                                            and record their SHA-256 in DIR/manifest.json
    seal.py record-new DIR                  add to the manifest the SHA-256 of each file DIR
                                            gained since save (the helpers the grader built
                                            into DIR/grader/bin)
    seal.py cache-snapshot FILE CACHE       record what the kit's shared cache (the conductor's
                                            debootstrap bases) holds, in FILE
    seal.py cache-check FILE CACHE          one line per entry of the snapshot since changed or
                                            removed ("tampered cache/PATH"), exit 1 if any
    seal.py check DIR [--restore] LABEL=ROOT...
                                            compare each ROOT with what LABEL's seal holds;
                                            print one line per file changed or removed
                                            ("tampered LABEL/PATH"), exit 1 if any;
                                            --restore puts the sealed version back

The student's programs run as root, so they can reach the grader's files; the grader cannot
stop that without a VM, but it can see it.  Protected: every file of the grader (its suites,
libraries and helpers decide the score) and, of a kit tree, the Makefiles and common/'s
sources (they decide what is built).  Files a run adds are not counted: only a changed or
removed file can alter how the existing suites judge.  The helpers the grader builds itself
(grader/bin: the tracer) exist only in the seal and the copies made from it, never in the
kit, so they are checked in those copies alone.
"""
import hashlib
import json
import os
import shutil
import stat
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


def cache_entries(cache: Path):
    """Each entry below CACHE with what a change to it would change.  A file or link: its
    inode, mode, owner, size and change time (ctime moves with any write, chmod or link, and
    no program can set it back).  A directory gains entries when a base is added, so only its
    type, mode and owner count.  Work in progress (.tmp-*) and lock files are left out."""
    entries = {}
    for dirpath, dirnames, filenames in os.walk(cache):
        dirnames[:] = [d for d in dirnames if not d.startswith(".tmp-")]
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if name == ".lock":
                continue
            try:
                st = path.lstat()
            except OSError:
                continue
            key = [st.st_mode, st.st_uid, st.st_gid]
            if not stat.S_ISDIR(st.st_mode):
                key += [st.st_ino, st.st_size, st.st_ctime_ns]
            entries[str(path.relative_to(cache))] = key
    return entries


def cache_check(snapshot: Path, cache: Path):
    before = json.loads(snapshot.read_text())
    now = cache_entries(cache)
    bad = [f"tampered cache/{rel} ({'changed' if rel in now else 'removed'})"
           for rel, key in sorted(before.items()) if now.get(rel) != key]
    for line in bad[:20]:
        print(line)
    if len(bad) > 20:
        print(f"tampered cache: {len(bad) - 20} more entries changed or removed")
    return 1 if bad else 0


def record_new(seal: Path):
    """The files save copied keep the digests it took; only those added since are read."""
    manifest = json.loads((seal / "manifest.json").read_text())
    for label, files in manifest.items():
        top = seal / label
        for p in sorted(top.rglob("*")):
            rel = str(p.relative_to(top))
            if rel not in files and p.is_file() and not p.is_symlink():
                files[rel] = digest(p)
    (seal / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return 0


def check(seal: Path, roots, restore):
    manifest = json.loads((seal / "manifest.json").read_text())
    tampered = 0
    for label, root in roots.items():
        sealed_label = label.split(":")[-1]  # work:grader: a copy, checked against grader's seal
        for rel, want in manifest.get(sealed_label, {}).items():
            if label == "grader" and rel.startswith("bin/"):
                continue  # built into the seal, not part of the kit
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
    if len(argv) == 2 and argv[0] == "record-new":
        return record_new(Path(argv[1]))
    if len(argv) == 3 and argv[0] == "cache-snapshot":
        Path(argv[1]).write_text(json.dumps(cache_entries(Path(argv[2]))))
        return 0
    if len(argv) == 3 and argv[0] == "cache-check":
        return cache_check(Path(argv[1]), Path(argv[2]))
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
