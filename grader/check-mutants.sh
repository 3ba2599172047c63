#!/usr/bin/env bash
# check-mutants.sh [TASK...] - prove that the tests can tell a mistake from a right answer.
#
# Each grader/mutants/TASK/NAME.patch (format: grader/mutants/README.md) is one mistake a
# student could make.  It is applied to a scratch copy of the kit (tracked files only), the copy
# is built, and TASK is graded from it (grader/grade --tree COPY).  A mutant that still gets
# full marks SURVIVED: the tests have a hole.  A patch that no longer applies, or a mutant that
# does not build, is an error (refresh the patch).  Exit 1 if any mutant survived or erred.
#
# Each mutant is graded with the tests of its Part only (test names start with the part's id),
# plus those of the ids its optional "Tests:" header line names; "Part: kit" grades the whole
# task.  MUTANTS_FULL=1 grades the whole task for every mutant (slower, stronger).
# MUTANTS_PER_TASK=N grades N mutants per task, spread evenly over its sorted list;
# MUTANTS="NAME ..." only the mutants of those names (NAME.patch).
# JOBS mutants are graded at once (default 2); each is stopped after MUTANT_TIMEOUT seconds
# (default 1500) and then counts as an error.  Needs root (it runs the grader).
set -u
kit=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-2}
limit=${MUTANT_TIMEOUT:-1500}
tasks=("$@")
work=$(mktemp -d /tmp/kit-mutants.XXXXXX)
# Stopped half way: the graders still running are told to stop (each cleans up after itself
# once its current test ends); after 30 s their process groups are killed.
stop_graders() {
    local f pids=()
    for f in "$work"/m/*/grader.pid; do
        [ -f "$f" ] && pids+=("$(cat "$f")")
    done
    [ ${#pids[@]} -gt 0 ] || return 0
    kill -TERM "${pids[@]}" 2>/dev/null
    for _ in $(seq 30); do
        kill -0 "${pids[@]}" 2>/dev/null || return 0
        sleep 1
    done
    for f in "${pids[@]}"; do kill -KILL -- "-$f" 2>/dev/null; done
}
trap 'stop_graders; rm -rf --one-file-system "$work"' EXIT
trap 'exit 143' TERM INT HUP

# header FIELD PATCH : the value of "FIELD: value" in the patch's header (before the diff).
header() { sed -n "/^diff --git/q; s/^$1:[[:space:]]*//p" "$2" | head -n 1; }

# The tests a mutant is graded with, as a bats --filter regex (empty: the whole task).
mutant_filter() {
    local part ids id re=""
    part=$(header Part "$1")
    [ -n "${MUTANTS_FULL:-}" ] || [ -z "$part" ] || [ "$part" = kit ] && return 0
    ids="$part $(header Tests "$1")"
    for id in $ids; do re+="${re:+|}${id//./\\.}"; done
    printf '^(%s) ' "$re"
}

# One copy of the kit, built once; each mutant starts from a copy of it, so only the files its
# patch touches are rebuilt.  Its grader grades them: the kit itself may change during the run
# (a landing, an edit), and the grader's seal would take that for tampering.
base=$work/base
mkdir -p "$base"
(cd "$kit" && git ls-files -z | tar --null -T - -cf -) | tar -C "$base" -xf - || exit 2
if ! make -s -C "$base" all >"$work/base.log" 2>&1; then
    echo "check-mutants: the reference kit does not build:"; tail -n 20 "$work/base.log"; exit 2
fi

# The mutants are the copy's too: patches and kit from the same moment.
[ ${#tasks[@]} -gt 0 ] || tasks=($(cd "$base/grader/mutants" && ls -d task[0-9]* 2>/dev/null))

# run_one TASK PATCH : grade one mutant; writes its verdict to $work/verdicts/TASK/NAME.
run_one() {
    local task=$1 patch=$2 name dir verdict filter tap score
    name=$(basename "$patch" .patch)
    dir=$work/m/$task-$name
    verdict=$work/verdicts/$task/$name
    mkdir -p "$dir"
    cp -a "$base" "$dir/kit"
    if ! sed -n '/^diff --git/,$p' "$patch" | (cd "$dir/kit" && git apply -) 2>"$dir/apply.err"; then
        echo "error: the patch no longer applies: $(head -n 1 "$dir/apply.err")" >"$verdict"
    elif ! make -s -C "$dir/kit" all >"$dir/build.log" 2>&1; then
        echo "error: does not build: $(grep -m1 -E 'error|Error' "$dir/build.log")" >"$verdict"
    else
        filter=$(mutant_filter "$patch")
        # timeout leads a process group of its own: its PID is kept for stop_graders.
        KIT_PARALLEL=1 timeout --kill-after=30 "$limit" "$base/grader/grade" --tree "$dir/kit" \
            --format tap ${filter:+--filter "$filter"} "$task" >"$dir/tap" 2>"$dir/grade.err" &
        echo $! >"$dir/grader.pid"
        wait $!
        tap=$(cat "$dir/tap")
        score=$(sed -nE 's/^# Score: ([0-9]+\/[0-9]+)$/\1/p' <<<"$tap" | tail -n 1)
        if [ -z "$score" ]; then
            echo "error: no score (grading stopped after ${limit} s or failed)" >"$verdict"
        elif [ "${score%/*}" = "${score#*/}" ]; then
            echo "SURVIVED ($score${filter:+, tests $filter}): $(header Mistake "$patch")" >"$verdict"
        else
            echo "killed ($score)" >"$verdict"
        fi
    fi
    rm -rf --one-file-system "$dir"
}

# sample PATCH... : all of them, or MUTANTS_PER_TASK of them spread evenly over the sorted list
# (make test grades such a sample to stay within CI's time; make check-mutants grades all).
sample() {
    local n=${MUTANTS_PER_TASK:-0} i
    if [ "$n" -le 0 ] || [ "$#" -le "$n" ]; then printf '%s\n' "$@"; return; fi
    local all=("$@")
    for ((i = 0; i < n; i++)); do echo "${all[i * ${#all[@]} / n]}"; done
}

running=0
for task in "${tasks[@]}"; do
    mkdir -p "$work/verdicts/$task"
    for patch in $(sample "$base/grader/mutants/$task"/*.patch); do
        [ -f "$patch" ] || continue
        [ -z "${MUTANTS:-}" ] || [[ " $MUTANTS " == *" $(basename "$patch" .patch) "* ]] || continue
        if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
        run_one "$task" "$patch" &
        running=$((running + 1))
    done
done
wait

bad=0
for task in "${tasks[@]}"; do
    total=0 killed=0 survivors=""
    for v in "$work/verdicts/$task"/*; do
        [ -f "$v" ] || continue
        total=$((total + 1))
        echo "mutant $task/$(basename "$v"): $(cat "$v")"
        if grep -q '^killed' "$v"; then killed=$((killed + 1)); else survivors+=" $(basename "$v")"; fi
    done
    echo "mutants $task: $killed/$total killed${survivors:+; survived or erred:$survivors}"
    [ -z "$survivors" ] || bad=1
done
exit $bad
