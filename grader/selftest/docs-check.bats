#!/usr/bin/env bats
# grader/docs-check, the runner of the walkthroughs' shell blocks (make test runs it on
# README.md and docs/*.md): blocks of one file share one shell, an output block is compared,
# an unmarked failing block fails, a marked one is not run, and nothing a block does reaches
# the machine (hostname, links, nft tables, mounts, files in /tmp, processes, cgroups).
KIT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
load ../lib/kit

CHECK=$KIT_ROOT/grader/docs-check

# doc NAME : the Markdown on stdin, saved as NAME.md; prints its path.
doc() {
    cat >"$BATS_TEST_TMPDIR/$1.md"
    echo "$BATS_TEST_TMPDIR/$1.md"
}

@test "docs-check: blocks share one shell; output blocks are compared with placeholders and ..." {
    local md
    md=$(doc good <<'EOF'
# A walkthrough

```sh
greeting=hello; cd /tmp; mkdir -p d && echo hi >d/f
```

Some prose.

```sh
echo "$greeting from $PWD, pid $$"; cat d/f
seq 5
echo err >&2
```

```output
hello from /tmp, pid <PID>
hi
1
...
5
err
```

```bash
printf 'a   b\tc\n'; echo "took 12 ms"; ls /proc/self/ns | head -n 1
```

```output
a b c
took <N> ms
<WORD>
```
EOF
    )
    run_t 120 "$CHECK" "$md"
    expect_status 0 "a walkthrough whose blocks all pass"
    expect_match "report" "docs-check: 3 passed, 0 failed, 0 skipped" "$output" "three blocks run"
}

@test "docs-check: an unmarked failing block fails, naming the doc's line; the next blocks still run" {
    local md
    md=$(doc bad <<'EOF'
```sh
true
false_command_that_does_not_exist
```

```sh
echo still here
```
EOF
    )
    run_t 120 "$CHECK" "$md"
    expect_status 1 "a failing block fails the run"
    expect_match "report" "FAIL  block 1 \(line 1\)" "$output" "the failed block is named"
    expect_match "report" "line 3: exit status 127: false_command_that_does_not_exist" "$output" \
        "the failed command is named by its line in the doc"
    expect_match "report" "ok    block 2" "$output" "the session goes on"
}

@test "docs-check: stderr without an output block fails; shown in one, a failure is expected" {
    local md
    md=$(doc stderr <<'EOF'
```sh
echo oops >&2
```

```sh
ls /nonexistent; echo "status $?"
```

```output
ls: cannot access '/nonexistent': No such file or directory
status 2
```
EOF
    )
    run_t 120 "$CHECK" "$md"
    expect_status 1 "the first block wrote on stderr"
    expect_match "report" "FAIL  block 1.*wrote on stderr.*oops" "$(tr '\n' ' ' <<<"$output")" \
        "stderr of a block without output block is a failure"
    expect_match "report" "ok    block 2" "$output" "a failure the output block shows passes"
}

@test "docs-check: output that differs from the output block fails with a diff" {
    local md
    md=$(doc differs <<'EOF'
```sh
echo one; echo two
```

```output
one
three
```
EOF
    )
    run_t 120 "$CHECK" "$md"
    expect_status 1 "the output differs"
    expect_match "report" "\+two" "$output" "the diff shows what was printed"
    expect_match "report" "-three" "$output" "and what the doc shows"
}

@test "docs-check: a block marked skip with a reason is not run; a mark without a reason is refused" {
    local md
    md=$(doc skip <<'EOF'
<!-- docs-check: skip needs a terminal -->
```sh
touch /tmp/docs-check-selftest-ran; false
```
EOF
    )
    run_t 120 "$CHECK" "$md"
    expect_status 0 "a skipped block does not count"
    expect_match "report" "skip  block 1 \(line 2\): needs a terminal" "$output" "the reason is shown"
    md=$(doc noreason <<'EOF'
<!-- docs-check: skip -->
```sh
true
```
EOF
    )
    run_t 120 "$CHECK" "$md"
    expect_status 2 "a mark without a reason is an error in the doc"
    expect_match "report" "docs-check: skip REASON" "$output" "the message says the form"
}

@test "docs-check: nothing a block does reaches the machine, and what a doc leaves is reported" {
    local md before_host before_links
    before_host=$(hostname)
    before_links=$(ip -o link show | awk -F': ' '{ print $2 }' | sort)
    md=$(doc sandbox <<'EOF'
```sh
hostname docs-check-selftest
ip link add dc-self0 type veth peer name dc-self1
nft add table ip docs_check_selftest
mkdir -p /tmp/docs-check-selftest && mount -t tmpfs x /tmp/docs-check-selftest
echo x >/tmp/docs-check-selftest-file
echo x >~/docs-check-selftest-home
setsid sleep 4241 </dev/null >/dev/null 2>&1 &
mkdir "$(common/tools/kit-cgroup parent pids | sed -n 's/^parent //p')/docs-check-selftest"
```
EOF
    )
    run_t 120 "$CHECK" "$md"
    expect_status 1 "the doc leaves things behind"
    local left=$output
    for what in "hostname docs-check-selftest" "link dc-self0" "nft table ip docs_check_selftest" \
        "mount /tmp/docs-check-selftest" "sleep 4241" "cgroup left behind: .*docs-check-selftest"; do
        expect_match "report" "$what" "$left" "the report names what the doc left: $what"
    done
    expect_eq "the machine's hostname" "$before_host" "$(hostname)" "the UTS namespace keeps it"
    expect_eq "the machine's links" "$before_links" "$(ip -o link show | awk -F': ' '{ print $2 }' | sort)" \
        "the network namespace keeps them"
    run nft list table ip docs_check_selftest
    expect_status 1 "no nft table on the machine"
    expect_eq "mounts" "" "$(grep docs-check-selftest /proc/self/mountinfo)" "no mount on the machine"
    [ ! -e /tmp/docs-check-selftest-file ] || fail_hint "no file" "/tmp/docs-check-selftest-file" \
        "the session has a /tmp of its own"
    [ ! -e /root/docs-check-selftest-home ] || fail_hint "no file in root's home" \
        "/root/docs-check-selftest-home" "the session has a home of its own"
    expect_eq "processes" "" "$(pgrep -x -f 'sleep 4241')" "the PID namespace took them"
    expect_eq "cgroups" "" "$(find /sys/fs/cgroup -name 'docs-check-selftest' 2>/dev/null)" \
        "the run's cgroups are removed"
}

@test "docs-check: a background job's output counts for the block that runs when it prints" {
    local md
    md=$(doc background <<'EOF'
```sh
(sleep 1; echo late >&2) &
```

```sh
wait
```

```output
late
```
EOF
    )
    run_t 120 "$CHECK" "$md"
    expect_status 0 "the late line belongs to the second block"
}

@test "docs-check: a block that hangs is stopped at the time limit, and nothing is left" {
    local md
    md=$(doc hang <<'EOF'
```sh
echo started; sleep 4242
```
EOF
    )
    KIT_DOCS_TIMEOUT=3 run_t 120 "$CHECK" "$md"
    expect_status 1 "a hang fails"
    expect_match "report" "ran out of its 3 s" "$output" "the report says the time ran out"
    expect_eq "processes" "" "$(pgrep -x -f 'sleep 4242')" "the hung block's processes are gone"
}

@test "docs-check --list: every shell block of the kit's docs runs or says why not" {
    run_t 60 "$CHECK" --list
    expect_status 0 "the docs parse"
    expect_match "list" "docs/task1.md:[0-9]+: block 1: " "$output" "the docs' blocks are listed"
    local bad
    bad=$(grep -Ev ': block [0-9]+: (run|run, output compared|skip: .+)$' <<<"$output" || true)
    expect_eq "blocks that neither run nor give a reason" "" "$bad" "mark them <!-- docs-check: skip REASON -->"
}
