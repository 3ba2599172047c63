#!/usr/bin/env bats
# conductor's own robustness (kit code, not the student's): no descriptor of the caller gets
# into a container on any exec path, every bad input is refused with a message and changes
# nothing, the CLI forms of the assignment and Docker's habits are accepted, exit codes are
# Docker's (125 conductor, 126 not executable, 127 not found, 2 bad usage).
KIT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
load ../lib/kit

COND="$KIT_ROOT/task3/conductor"

setup_file() {
    export CONDUCTOR_ROOT="$BATS_FILE_TMPDIR/root" CONDUCTOR_CONFIG=/dev/null
    mkdir -p "$BATS_FILE_TMPDIR/ctx"
    printf 'FROM busybox\n' >"$BATS_FILE_TMPDIR/ctx/Conductorfile"
    "$COND" build bb "$BATS_FILE_TMPDIR/ctx/Conductorfile" >/dev/null
}

setup() {
    require_built "$COND" "(make -C task3)"
    CTX="$BATS_TEST_TMPDIR/ctx"
    mkdir -p "$CTX"
}

teardown() {
    local dir
    for dir in "$CONDUCTOR_ROOT"/containers/*/; do
        [ -d "$dir" ] && "$COND" stop "$(basename "$dir")" >/dev/null 2>&1 3>&-
    done
    return 0
}

# with_open_fds CMD... : run CMD with fd 7 and fd 1500 open on the host's /.
with_open_fds() { run_t 30 bash -c 'ulimit -Sn "$(ulimit -Hn)"; exec 7</ 1500</; exec "$@"' with_open_fds "$@"; }

# The container's view of fds 7 and 1500: the script prints LEAK if either reaches the host.
PROBE='for fd in 7 1500; do [ -e /proc/self/fd/$fd ] && echo LE""AK $fd; cat /proc/self/fd/$fd/etc/hostname 2>/dev/null && echo LE""AK $fd; done; echo pro""bed'

expect_no_leak() {
    expect_match "probe ran" "probed" "$output" "$1 should run the probe"
    [[ $output != *LEAK* ]] ||
        fail_hint "no host fd inside the container" "$output" "$1: kit_exec_prepare() before exec"
}

@test "run: fds 7 and 1500 of the caller are closed inside" {
    with_open_fds "$COND" run bb fd1 sh -c "$PROBE"
    expect_no_leak "run"
}

@test "run -d: fds 7 and 1500 of the caller are closed inside" {
    with_open_fds "$COND" run -d bb fd2 sh -c "$PROBE; sleep 30"
    expect_status 0 "run -d should start"
    sleep 1
    run "$COND" logs fd2
    expect_no_leak "run -d"
}

@test "exec: fds 7 and 1500 of the caller are closed inside" {
    run_t 20 "$COND" run -d bb fd3 sleep 30
    expect_status 0 "run -d should start"
    with_open_fds "$COND" exec fd3 sh -c "$PROBE"
    expect_no_leak "exec"
}

@test "build: a RUN step sees none of the caller's fds" {
    printf 'FROM busybox\nRUN %s\n' "$PROBE" >"$CTX/Conductorfile"
    with_open_fds "$COND" build fdimg "$CTX/Conductorfile"
    expect_no_leak "RUN"
}

# in_terminal SCRIPT : run the bash SCRIPT as the foreground job of a terminal of its own
# (lib/terminal.py), as a person typing it; its output without the terminal's \r.
in_terminal() {
    printf '%s\n' "$1" >"$BATS_TEST_TMPDIR/typed"
    run_t 40 python3 "$KIT_ROOT/grader/lib/terminal.py" bash "$BATS_TEST_TMPDIR/typed"
    output=${output//$'\r'/}
}

@test "run and exec from a terminal: fds 7 and 1500 of the caller are closed inside" {
    run_t 20 "$COND" run -d bb fd4 sleep 30
    expect_status 0 "run -d should start"
    local q
    q=$(printf %q "$PROBE")
    in_terminal "ulimit -Sn \$(ulimit -Hn); exec 7</ 1500</; $COND exec fd4 sh -c $q"
    expect_no_leak "exec from a terminal"
    in_terminal "ulimit -Sn \$(ulimit -Hn); exec 7</ 1500</; $COND run -it bb fd5 sh -c $q"
    expect_no_leak "run -it from a terminal"
}

@test "exec from a terminal: a pty of the container's own, its controlling terminal, the caller's size" {
    run_t 20 "$COND" run -d bb ptyc sleep 60
    expect_status 0 "run -d should start"
    # tty(1) names fd 0 only if it is a pty of the container's /dev/pts; field 7 of
    # /proc/self/stat is the kernel's word on the controlling terminal (0: none).
    in_terminal "stty rows 31 cols 101; $COND exec ptyc sh -c 'tty; stty size; cut -d\" \" -f7 /proc/self/stat'; echo status=\$?"
    expect_match "exec's exit status" "status=0" "$output" "exec from a terminal"
    grep -qxE '/dev/pts/[0-9]+' <<<"$output" || fail_hint "tty inside: /dev/pts/N" "$output" \
        "a pty of the container's own devpts (docker exec -it): the caller's is not there"
    grep -qx '31 101' <<<"$output" ||
        fail_hint "stty size: 31 101" "$output" "the pty gets the caller's window size"
    [[ $(sed -n 3p <<<"$output") =~ ^[1-9][0-9]*$ ]] ||
        fail_hint "a controlling terminal (tty_nr > 0)" "$output" "setsid, then TIOCSCTTY on the pty"
    # A background job (timeout(1) makes one) must neither touch the terminal nor hang.
    in_terminal "timeout 20 $COND exec ptyc tty; echo status=\$?"
    expect_match "exec as a background job" "/dev/pts/[0-9]+.status=0" "$output" \
        "a background job that sets the terminal's modes is stopped by SIGTTOU"
}

@test "exec from a terminal: Ctrl-C is SIGINT for the command inside, keys reach it" {
    run_t 20 "$COND" run -d bb ptyk sleep 60
    expect_status 0 "run -d should start"
    local out=$BATS_TEST_TMPDIR/screen
    : >"$out"
    # Type Ctrl-C once the command inside is running, then a line for a shell to read.
    ( for _ in $(seq 200); do grep -q ready "$out" && break; sleep 0.1; done; printf '\003'
      for _ in $(seq 200); do grep -q status=130 "$out" && break; sleep 0.1; done
      printf 'echo typed-\044((6*7)); exit 3\n'; sleep 2 ) 3>&- |
        timeout 40 python3 "$KIT_ROOT/grader/lib/terminal.py" bash -c "$COND exec ptyk sh -c \
            'echo ready; sleep 60'; echo status=\$?; $COND exec ptyk sh; echo status=\$?" >"$out"
    run tr -d '\r' <"$out"
    expect_match "Ctrl-C" "status=130" "$output" "Ctrl-C typed is SIGINT for the command: 128+2"
    grep -qx 'typed-42' <<<"$output" ||
        fail_hint "a line typed-42" "$output" "keys reach the command through the pty"
    expect_match "the shell's exit status" "status=3" "$output" "exec returns the command's status"
}

@test "bad limits are refused with exit 2 and a message, and create nothing" {
    local bad
    for bad in "--cpus nan" "--cpus 0.0001" "--cpus inf" "--cpus -1" "--memory 0.5" \
        "--memory 1" "--memory 1e30g" "--memory -5m" "--pids 0" "--pids 99999999999" \
        "--pids 12x"; do
        # shellcheck disable=SC2086
        run_t 20 "$COND" run $bad bb lim true
        expect_status 2 "run $bad must be refused as bad usage"
        expect_match "message" "^conductor: --" "$output" "run $bad: say which option is wrong"
        [ ! -e "$CONDUCTOR_ROOT/containers/lim" ] ||
            fail_hint "no container lim" "containers/lim exists" "run $bad changed state"
    done
}

@test "bad --user and --read-only are refused with exit 2 and a message, and create nothing" {
    local bad
    for bad in abc '' -1 1: :1 1:2:3 4294967295 99999999999999999999 1:x ' 1' root 0x10; do
        run_t 20 "$COND" run --user "$bad" bb usr true
        expect_status 2 "run --user '$bad' must be refused as bad usage"
        expect_match "message" "^conductor: --user" "$output" "run --user '$bad': say which option is wrong"
        [ ! -e "$CONDUCTOR_ROOT/containers/usr" ] ||
            fail_hint "no container usr" "containers/usr exists" "run --user '$bad' changed state"
    done
    run_t 20 "$COND" run --read-only=yes bb usr true
    expect_status 2 "--read-only takes no value"
    expect_match "message" "usage: conductor run" "$output" "show the usage"
    [ ! -e "$CONDUCTOR_ROOT/containers/usr" ] || fail_hint "no container usr" "it exists" "changed state"
    run_t 20 "$COND" run -u 0:0 --read-only --rm bb usr true
    expect_status 0 "-u 0:0 (Docker's short form, root as a number) with --read-only"
}

@test "diff: exit 1 for a container that does not exist, 2 for bad usage; a --rm one is gone" {
    run_t 20 "$COND" diff nosuch
    expect_status 1 "diff of no such container"
    expect_match "message" "^conductor: no such container: nosuch" "$output" "say so"
    local args
    for args in "" "a b" "-x"; do
        # shellcheck disable=SC2086
        run_t 20 "$COND" diff $args
        expect_status 2 "diff $args is bad usage" || return 1
    done
    run_t 20 "$COND" run --rm bb dgone sh -c 'echo x > /x'
    run_t 20 "$COND" diff dgone
    expect_status 1 "a --rm container leaves nothing to diff"
}

@test "invalid names exit 2 in every command, shown escaped" {
    local cmd name=$'bad\nname\e[31m'
    for cmd in "run bb" "exec" "stop" "rm" "logs" "addnetwork" "build"; do
        # shellcheck disable=SC2086
        run_t 20 "$COND" $cmd "$name" true
        expect_status 2 "$cmd with an invalid name"
        [[ $output != *$'\e'* && $(wc -l <<<"$output") -eq 1 ]] ||
            fail_hint "one line, no raw ESC" "$output" "$cmd: escape the name in messages"
    done
}

@test "a failed start leaves no container: the name is free again" {
    run_t 20 "$COND" run bb gone /nonexistent
    expect_status 127 "a command that does not exist: 127 as Docker"
    run_t 20 "$COND" run -d bb gone2 -- /nonexistent
    expect_status 127 "run -d of a command that does not exist: 127"
    run "$COND" ps
    [[ $output != *gone* ]] || fail_hint "no 'gone' in ps" "$output" "remove what never started"
    run_t 20 "$COND" run bb gone true
    expect_status 0 "the name of a failed start can be used again"
}

@test "CLI: run IMAGE NAME CMD and exec NAME CMD without --, -it, --rm, ps -a, logs -f, --version" {
    run_t 20 "$COND" run -it --rm bb cli1 echo hello
    expect_status 0 "run -it --rm IMAGE NAME CMD"
    expect_eq "output" "hello" "$output" "the command runs without --"
    [ ! -e "$CONDUCTOR_ROOT/containers/cli1" ] || fail_hint "cli1 removed" "it stays" "--rm"
    run_t 20 "$COND" run -d bb cli2 sh -c 'echo one; sleep 2; echo two'
    expect_status 0 "run -d"
    run_t 20 "$COND" exec cli2 hostname
    expect_eq "exec NAME CMD" "cli2" "$output" "exec without --"
    run_t 20 "$COND" exec -it cli2 -- hostname
    expect_eq "exec -it NAME -- CMD" "cli2" "$output" "exec -it with --"
    run_t 20 "$COND" logs -f cli2
    expect_eq "logs -f follows until the end" $'one\ntwo' "$output" "logs -f"
    run_t 20 "$COND" ps -a
    expect_match "ps -a" "cli2 .*exited \(0\)" "$output" "ps -a lists exited containers"
    run_t 20 "$COND" exec cli2 /etc
    [ "$status" -ne 0 ] || fail_hint "exec into an exited container fails" "0" "exec"
    run_t 20 "$COND" --version
    expect_match "--version" "^conductor [0-9]" "$output" "--version"
}

@test "exec: 126 for a command that is not executable, 127 for one that is not there" {
    run_t 20 "$COND" run -d bb codes sleep 30
    run_t 20 "$COND" exec codes /etc
    expect_status 126 "a directory is not executable"
    run_t 20 "$COND" exec codes /nonexistent
    expect_status 127 "a missing command"
}

@test "Ctrl-C (SIGINT) stops a foreground run whose PID 1 ignores it" {
    "$COND" run bb sigint sleep 100 &
    local cpid=$! i
    for i in $(seq 50); do
        [[ $("$COND" ps) == *sigint*running* ]] && break
        sleep 0.1
    done
    kill -INT "$cpid"
    for i in $(seq 100); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.1; done
    ! kill -0 "$cpid" 2>/dev/null || fail_hint "conductor run ended" "still running" \
        "SIGINT must stop the container"
    run "$COND" ps
    [[ $output != *sigint*running* ]] || fail_hint "sigint not running" "$output" "SIGINT"
}

@test "Conductorfile: a NUL byte, /dev/zero and a huge file are refused; nothing is built" {
    printf 'FROM busybox\nRUN echo a\0RUN echo b\n' >"$CTX/Conductorfile"
    run_t 20 "$COND" build nul "$CTX/Conductorfile"
    [ "$status" -ne 0 ] && [[ $output == *Conductorfile:2*NUL* ]] ||
        fail_hint "refused at line 2 (NUL)" "status $status: $output" "a NUL byte is an error"
    run_t 20 "$COND" build zero /dev/zero
    [ "$status" -ne 0 ] && [[ $output == *larger* ]] ||
        fail_hint "refused by size" "status $status: $output" "/dev/zero must not be read to the end"
    { echo 'FROM busybox'; head -c 3000000 /dev/zero | tr '\0' '#'; echo; } >"$CTX/Conductorfile"
    run_t 20 "$COND" build huge "$CTX/Conductorfile"
    [ "$status" -ne 0 ] || fail_hint "a 3 MB Conductorfile refused" "built" "size limit"
    run "$COND" images
    [[ $output != *nul* && $output != *zero* && $output != *huge* ]] ||
        fail_hint "no image from a refused file" "$output" "nothing is built"
}

@test "Conductorfile: a 10 MB RUN line is not echoed whole, an ESC in it not raw" {
    { echo 'FROM busybox'; printf 'RUN true \e[31m '; head -c 10000000 /dev/zero | tr '\0' x; echo; } \
        >"$CTX/Conductorfile"
    run_t 30 "$COND" build long "$CTX/Conductorfile"
    [ "${#output}" -lt 4096 ] && [[ $output != *$'\e'* ]] ||
        fail_hint "a short, escaped echo (or a refusal)" "${#output} bytes" "cut the echo of a step"
}

@test "image record: a 64-character name with a 4094-character WORKDIR, a newline in CMD" {
    local name dir
    name=$(printf 'n%.0s' $(seq 64))
    dir=/$(head -c 4093 /dev/zero | tr '\0' d)
    printf 'FROM busybox\nWORKDIR %s\n' "$dir" >"$CTX/Conductorfile"
    run_t 20 "$COND" build "$name" "$CTX/Conductorfile"
    [ "$status" -lt 128 ] || fail_hint "no crash" "status $status" "image_write's buffer"
    printf 'FROM busybox\nWORKDIR %s/more\n' "$dir" >"$CTX/Conductorfile"
    run_t 20 "$COND" build "$name" "$CTX/Conductorfile"
    [ "$status" -ne 0 ] && [[ $output == *WORKDIR* ]] ||
        fail_hint "too long a WORKDIR refused" "status $status: ${output:0:200}" "never truncate"
    printf 'FROM busybox\nCMD ["sh", "-c", "x\\nlayer=../../etc 0"]\n' >"$CTX/Conductorfile"
    run_t 20 "$COND" build inject "$CTX/Conductorfile"
    [ "$status" -ne 0 ] || fail_hint "a newline in CMD refused" "built" "it would add a line to the record"
}

@test "config: a too long CONDUCTOR_ROOT is an error, never a truncated path" {
    CONDUCTOR_ROOT=/tmp/$(head -c 3000 /dev/zero | tr '\0' r) run_t 20 "$COND" ps
    [ "$status" -ne 0 ] && [[ $output == *CONDUCTOR_ROOT* ]] ||
        fail_hint "refused" "status $status: ${output:0:200}" "config.c: check the root's length"
    printf 'CONDUCTOR_SUBNET=%s\n' "$(head -c 2000 /dev/zero | tr '\0' 1)" >"$CTX/conf"
    CONDUCTOR_CONFIG=$CTX/conf run_t 20 "$COND" ps
    [ "$status" -ne 0 ] || fail_hint "a too long line refused" "accepted" "config.c: line length"
}

@test "Conductorfile: ENV KEY with no value is an error (found by fuzzing: read past the end)" {
    printf 'FROM busybox\nENV LONELY\n' >"$CTX/Conductorfile"
    run_t 20 "$COND" build lonely "$CTX/Conductorfile"
    [ "$status" -ne 0 ] && [ "$status" -lt 128 ] && [[ $output == *Conductorfile:2*ENV* ]] ||
        fail_hint "refused at line 2" "status $status: $output" "ENV needs KEY=VALUE or KEY VALUE"
}

@test "a long build holds up neither run -d nor ps; rmi waits for it and says so" {
    printf 'FROM busybox\nRUN echo step-under-way; sleep 7917\n' >"$CTX/Conductorfile"
    "$COND" build slowimg "$CTX/Conductorfile" >"$CTX/build.out" 2>&1 3>&- &
    local build=$! i
    for i in $(seq 100); do
        grep -q step-under-way "$CTX/build.out" && break
        sleep 0.1
    done
    grep -q step-under-way "$CTX/build.out" || fail_hint "the build's RUN step under way" \
        "$(cat "$CTX/build.out")" "conductor build"
    run_t 30 "$COND" run -d bb lk1 -- sleep 30
    expect_status 0 "run -d while another image builds"
    run_t 30 "$COND" ps
    expect_match "ps while a build runs" "lk1" "$output" "ps lists the container"
    kill -0 "$build" 2>/dev/null ||
        fail_hint "run -d and ps done while the build still runs" "the build ended first" \
            "a build must not hold the state lock for its whole length"
    "$COND" rmi nosuchimage >"$CTX/rmi.out" 2>&1 3>&- &
    local rmi=$!
    for i in $(seq 50); do
        grep -q "waiting for" "$CTX/rmi.out" && break
        sleep 0.1
    done
    kill -0 "$rmi" 2>/dev/null && grep -q "waiting for" "$CTX/rmi.out" ||
        fail_hint "rmi waits for the build, saying so" "$(cat "$CTX/rmi.out")" \
            "rmi deletes layers: it must wait for builds, and say what it waits for"
    kill -9 "$build"
    wait "$rmi" || true
    run "$COND" images
    [[ $output != *slowimg* ]] || fail_hint "no image from a killed build" "$output" "build"
}

@test "build: a RUN step never stops on the caller's terminal (run under timeout from a tty)" {
    printf 'FROM busybox\nRUN stty sane; read -t 1 x; echo step-done\n' >"$CTX/Conductorfile"
    # timeout(1) puts the build in a background process group of the terminal, as the grader
    # does: a step touching that terminal would be stopped by SIGTTOU/SIGTTIN.
    in_terminal "timeout 20 $COND build ttyimg $CTX/Conductorfile; echo status=\$?"
    expect_match "the build under a terminal" "status=0" "$output" \
        "a RUN step's stdin is /dev/null, in a session of its own (as docker build)"
}
