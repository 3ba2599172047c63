#!/usr/bin/env bats
# task4: the counter service alone (the whole two-container system is in task3-net.bats's
# neighbour, the end-to-end test at the bottom of this file).
load lib/kit

CS="$KIT_ROOT/task4/counter-service/counter-service"
PORT=18080

# Each test gets a private network namespace (held by a sleep we own), so the service's port
# can never clash with anything on the machine and nothing outside can reach it.
setup() {
    unshare --net sleep infinity </dev/null >/dev/null 2>&1 3>&- &
    ns_pid=$!
    for _ in $(seq 50); do
        [ "$(readlink /proc/$ns_pid/ns/net)" != "$(readlink /proc/self/ns/net)" ] && break
        sleep 0.02
    done
    in_ns ip link set lo up
}

teardown() {
    [ -n "${cs_pid:-}" ] && kill "$cs_pid" 2>/dev/null && wait "$cs_pid" 2>/dev/null
    [ -n "${ns_pid:-}" ] && kill "$ns_pid" 2>/dev/null
    return 0
}

in_ns() { nsenter --net="/proc/$ns_pid/ns/net" "$@"; }

# start_service THREADS : run counter-service in the namespace, wait until it answers.
start_service() {
    require_built "$CS" "(task4/counter-service)"
    nsenter --net="/proc/$ns_pid/ns/net" "$CS" "$PORT" "$1" \
        >"$BATS_TEST_TMPDIR/cs.log" 2>&1 </dev/null 3>&- &
    cs_pid=$!
    for _ in $(seq 100); do
        in_ns curl -s -o /dev/null "http://127.0.0.1:$PORT/get_counter" && return 0
        kill -0 "$cs_pid" 2>/dev/null || break
        sleep 0.05
    done
    fail_hint "counter-service answering on port $PORT" "$(head -c 300 "$BATS_TEST_TMPDIR/cs.log")" \
        "start it by hand: counter-service $PORT $1; then curl http://127.0.0.1:$PORT/get_counter"
}

# ask ENDPOINT : the body of one GET, in $output.
ask() { run_t 5 nsenter --net="/proc/$ns_pid/ns/net" curl -sf "http://127.0.0.1:$PORT/$1"; }

@test "4.a counter-service: counts up from 0, get_counter only reads [2]" {
    start_service 4
    local seen=()
    for _ in 1 2 3; do
        ask get_and_increment_counter
        expect_status 0 "GET /get_and_increment_counter should answer 200"
        seen+=("$output")
    done
    expect_eq "three get_and_increment answers" "0 1 2" "${seen[*]}" \
        "each call returns the value before adding one, starting at 0"
    ask get_counter
    expect_eq "get_counter after three increments" 3 "$output" "get_counter returns the value"
    ask get_counter
    expect_eq "get_counter asked again" 3 "$output" "get_counter must not change the value"
}

@test "4.a counter-service: reset_counter sets the count back to 0 [1]" {
    start_service 4
    ask get_and_increment_counter
    ask get_and_increment_counter
    ask reset_counter
    expect_status 0 "GET /reset_counter should answer 200"
    ask get_counter
    expect_eq "get_counter after reset" 0 "$output" "reset_counter sets the value to 0"
    ask get_and_increment_counter
    expect_eq "first increment after reset" 0 "$output" "counting starts again from 0"
}

@test "4.a counter-service: 2000 concurrent increments on 8 threads give 0..1999 once each [4]" {
    start_service 8
    local n=2000
    # curl -Z: up to 64 transfers in flight at once; [1-2000] makes 2000 URLs.
    # (curl 7.88 draws a progress meter with -Z even when silent: stderr goes to a file)
    run_t 60 nsenter --net="/proc/$ns_pid/ns/net" sh -c \
        'curl -sf -Z --parallel-max 64 "$1" 2>"$2"' _ \
        "http://127.0.0.1:$PORT/get_and_increment_counter?n=[1-$n]" "$BATS_TEST_TMPDIR/curl.err"
    expect_status 0 "every concurrent request should get a 200 answer"
    local got
    got=$(printf '%s\n' "$output" | grep -c .)
    expect_eq "answers" "$n" "$got" "one number per request"
    local distinct
    distinct=$(printf '%s\n' "$output" | sort -n | uniq | awk 'NR == 1 { lo = $1 } END { print NR, lo, $1 }')
    expect_eq "distinct answers, lowest, highest" "$n 0 $((n - 1))" "$distinct" \
        "two requests got the same number: the read-and-add must happen under a lock (or atomically)"
    ask get_counter
    expect_eq "count after $n increments" "$n" "$output" \
        "increments were lost: value++ from several threads at once is a data race"
}
