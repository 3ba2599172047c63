#!/usr/bin/env bash
# submission.sh - grade one student's submission with the kit's own grader.
#
#   grader/submission.sh [--format F] [--out FILE] SUBMISSION [TASK...]
#
# SUBMISSION is a folder or a tarball (.tar, .tar.gz, .tgz).  The submission is never built in
# place and never trusted: a scratch copy of the handout (stubs everywhere) is made, only the
# files students are meant to edit are taken from the submission (the files of task*/ that hold
# fenced parts: grader/student-files.sh lists them), and the kit's own Makefiles and grader are
# used.  A file missing from the submission keeps its stub.  A task that does not build scores
# what its tests score (nothing, usually) and the report shows the compiler's message.
set -u
GRADER_DIR=$(cd "$(dirname "$0")" && pwd)
KIT=$(cd "$GRADER_DIR/.." && pwd)
grade_args=()
while [ $# -gt 0 ]; do
    case $1 in
    --format | --out) grade_args+=("$1" "$2"); shift 2 ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || { echo "usage: submission.sh [--format F] [--out FILE] SUBMISSION [TASK...]" >&2; exit 2; }
submission=$1
shift
tasks=("$@")
[ -e "$submission" ] || { echo "submission.sh: no such submission: $submission" >&2; exit 2; }

scratch=$(mktemp -d /tmp/kit-submission.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
trap 'exit 143' TERM INT HUP
if [ -f "$submission" ]; then
    mkdir "$scratch/unpacked"
    tar -xf "$submission" -C "$scratch/unpacked" --no-same-owner --no-same-permissions 2>/dev/null ||
        { echo "submission.sh: cannot unpack $submission" >&2; exit 2; }
    submission=$scratch/unpacked
fi
python3 "$GRADER_DIR/handout.py" --kit "$KIT" --out "$scratch" --no-leak-check >/dev/null || exit 2
tree=$scratch/handout

# Take each student file from the submission: at its path, or (for a flat upload) the one file
# of that name anywhere in it.  Only regular files; links are not followed out of the upload.
while read -r rel; do
    src=$submission/$rel
    if [ ! -f "$src" ] || [ -L "$src" ]; then
        mapfile -t same < <(find "$submission" -type f -name "$(basename "$rel")")
        [ ${#same[@]} -eq 1 ] && src=${same[0]} || src=""
    fi
    if [ -n "$src" ]; then cp "$src" "$tree/$rel"; else echo "submission: $rel not found, its stub is graded" >&2; fi
done < <("$GRADER_DIR/student-files.sh" "$KIT")

mkdir -p "$scratch/build"
make -s -C "$tree" common >/dev/null 2>&1
# Every task is built (task4's tests run task3's conductor); only the graded tasks' build
# failures are reported.
for dir in "$tree"/task*/; do
    task=$(basename "$dir")
    make -s -k -C "$tree" "$task" >"$scratch/build/$task.log" 2>&1 && rm -f "$scratch/build/$task.log"
    [ ${#tasks[@]} -gt 0 ] && [[ " ${tasks[*]} " != *" $task "* ]] && rm -f "$scratch/build/$task.log"
done
KIT_BUILD_LOGS=$scratch/build "$GRADER_DIR/grade" "${grade_args[@]}" --tree "$tree" "${tasks[@]}"
