#!/usr/bin/env bats
# conductor addnetwork -p OUTER:INNER, Docker's form of the assignment's -e INNER-OUTER (kit
# code, not the student's): the same forward, judged by a client on the lab's LAN reaching the
# container's server through the host's port; a bad -p is refused with exit 2 and changes
# nothing.  In the lab of grader/lib/lab.bash: the real host's network is never touched.
KIT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
load ../lib/kit
load ../lib/lab

C="$KIT_ROOT/task3/conductor"

setup_file() {
    lab_up
    export CONDUCTOR_ROOT="$BATS_FILE_TMPDIR/root" CONDUCTOR_CONFIG=/dev/null
    export CONDUCTOR_SUBNET=10.78.0.0/16 CONDUCTOR_INTERFACE="$LAB_UPLINK"
    mkdir -p "$BATS_FILE_TMPDIR/bb"
    printf 'FROM busybox\n' >"$BATS_FILE_TMPDIR/bb/Conductorfile"
    lab_host "$C" build pubbb "$BATS_FILE_TMPDIR/bb/Conductorfile" >/dev/null 2>&1
    return 0
}

teardown_file() { lab_down; }

teardown() { lab_host timeout 20 "$C" stop pub1 >/dev/null 2>&1; return 0; }

@test "addnetwork -p OUTER:INNER forwards the host's port OUTER to the container's INNER" {
    require_built "$C" "(make -C task3)"
    lab_run_t 20 "$C" run -d pubbb pub1 -- sh -c \
        'mkdir -p /www && echo hello-pub >/www/index.html && exec httpd -f -p 8080 -h /www'
    expect_status 0 "conductor run -d"
    lab_run_t 20 "$C" addnetwork pub1 -p 3077:8080
    expect_status 0 "addnetwork pub1 -p 3077:8080"
    local body=""
    for _ in $(seq 30); do
        body=$(lab_client timeout 5 curl -s -m 3 "http://$LAB_HOST_LAN_ADDR:3077/") || true
        [ "$body" = hello-pub ] && break
        sleep 0.1
    done
    expect_eq "a LAN client on the host's port 3077" hello-pub "$body" \
        "-p OUTER:INNER must forward like -e INNER-OUTER"
}

@test "addnetwork: a bad -p exits 2 with the expected form named, and adds nothing" {
    require_built "$C" "(make -C task3)"
    lab_run_t 20 "$C" run -d pubbb pub1 -- sleep 100
    expect_status 0 "conductor run -d"
    local bad
    for bad in 3077-8080 3077 :8080 3077:0 3077:70000; do
        lab_run_t 20 "$C" addnetwork pub1 -p "$bad"
        expect_status 2 "addnetwork -p $bad"
        expect_match "the message" "OUTER:INNER" "$output" "name the form -p expects"
    done
    expect_eq "links on the host" "" "$(lab_host ip -o link show | awk -F': ' '$2 ~ /^ve-/')" \
        "a refused request must create nothing"
}
