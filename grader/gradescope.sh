#!/usr/bin/env bash
# gradescope.sh - make dist/gradescope.zip, the Gradescope autograder for this kit.
#
# The zip holds the handout (stubs, no reference answers) with the instructor's hidden tests,
# plus Gradescope's two entry points: setup.sh installs the kit's Debian packages; run_autograder
# grades /autograder/submission with grader/submission.sh and writes
# /autograder/results/results.json.  Containers need root and a real kernel: use a VM-backed,
# privileged autograder (docs/INSTRUCTOR.md).
set -eu
kit=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$kit/grader/handout.py" --kit "$kit" --out "$work" >/dev/null
mkdir -p "$work/handout/grader/hidden"
cp -r "$kit/grader/hidden/." "$work/handout/grader/hidden/" 2>/dev/null || true
# AUTOGRADER (default /autograder, Gradescope's layout) and KIT_TASKS (default: every task)
# are there for the kit's own dry run (grader/selftest/gradescope.bats).
cat >"$work/setup.sh" <<'SETUP'
#!/usr/bin/env bash
set -eu
ag=${AUTOGRADER:-/autograder}
rm -rf "$ag/kit" && cp -r "$ag/source/kit" "$ag/kit"
"$ag/kit/grader/deps.sh"
SETUP
cat >"$work/run_autograder" <<'RUN'
#!/usr/bin/env bash
ag=${AUTOGRADER:-/autograder}
mkdir -p "$ag/results"
"$ag/kit/grader/submission.sh" --format gradescope \
    --out "$ag/results/results.json" "$ag/submission" ${KIT_TASKS:-}
RUN
mkdir -p "$kit/dist"
python3 - "$work" "$kit/dist/gradescope.zip" <<'PY'
import os, sys, zipfile
work, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for name in ("setup.sh", "run_autograder"):
        info = zipfile.ZipInfo(name)
        info.external_attr = 0o755 << 16
        z.writestr(info, open(os.path.join(work, name), "rb").read())
    root = os.path.join(work, "handout")
    for folder, _, files in os.walk(root):
        for f in files:
            path = os.path.join(folder, f)
            rel = os.path.join("kit", os.path.relpath(path, root))
            info = zipfile.ZipInfo(rel)
            info.external_attr = (os.stat(path).st_mode & 0o777) << 16
            z.writestr(info, open(path, "rb").read())
print(f"gradescope: {target}")
PY
