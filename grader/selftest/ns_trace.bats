#!/usr/bin/env bats
# The ground-truth tracer (grader/helpers/ns_trace.c): it must see, for every correct way of
# making a child in new UTS and PID namespaces, that the child wrote its line as PID 1 of a
# new PID namespace with its own hostname; and see through a program that only prints.
bats_require_minimum_version 1.5.0
load ../lib/kit
load ../lib/ns-trace

setup_file() {
    ns_trace_build
    export WAYS="$BATS_FILE_TMPDIR/ns_trace_ways"
    cc -O2 -Wall -o "$WAYS" "$BATS_TEST_DIRNAME/ns_trace_ways.c"
}

# trace_way WAY : run the test program one way; sets $log, $child, $parent, $host_*.
trace_way() {
    log=$BATS_TEST_TMPDIR/log
    run_t 20 "$NS_TRACE" "$log" "$WAYS" "$1"
    expect_status 0 "ns_trace_ways $1 should exit 0"
    expect_eq "its stdout, passed through" "parent child parent" "$(echo $output)" \
        "the tracer must not change what the program writes"
    child=$(ns_trace_writer "$log" child)
    parent=$(ns_trace_writer "$log" parent 2)
    host_pidns=$(stat -L -c %i /proc/self/ns/pid)
    host_utsns=$(stat -L -c %i /proc/self/ns/uts)
}

expect_child_in_new_namespaces() {
    expect_eq "the child's PID in its namespace" 1 "$(ns_trace_field nspid "$child")" "NSpid"
    [ "$(ns_trace_field pidns "$child")" != "$host_pidns" ] ||
        fail_hint "a new pid namespace" "the host's" "stat /proc/PID/ns/pid"
    [ "$(ns_trace_field utsns "$child")" != "$host_utsns" ] ||
        fail_hint "a new uts namespace" "the host's" "stat /proc/PID/ns/uts"
    expect_eq "the child's hostname" traced "$(ns_trace_field hostname "$child")" "setns + uname"
    [ "$(ns_trace_field hostpid "$child")" != "$(ns_trace_main "$log")" ] ||
        fail_hint "the child wrote it" "the main process" "follow forks"
    expect_eq "the parent's writer" "$(ns_trace_main "$log") $(ns_trace_main "$log") $host_pidns $host_utsns $(hostname)" \
        "${parent% *}" "the parent stays in the host's namespaces"
}

@test "ns_trace follows clone(2)" {
    trace_way clone
    expect_child_in_new_namespaces
}

@test "ns_trace follows clone3(2)" {
    trace_way clone3
    expect_child_in_new_namespaces
}

@test "ns_trace follows fork after unshare(2), and sees pid_for_children change" {
    trace_way unshare-fork
    expect_child_in_new_namespaces
    expect_eq "the parent's pid_for_children after unshare" "$(ns_trace_field pidns "$child")" \
        "$(ns_trace_field pidfc "$parent")" "stat /proc/PID/ns/pid_for_children"
}

@test "ns_trace follows vfork(2) and writev(2)" {
    trace_way vfork
    expect_child_in_new_namespaces
}

@test "ns_trace sees that a print-only program's child line comes from the host" {
    trace_way print-only
    expect_eq "the writer of 'child'" \
        "$(ns_trace_main "$log") $(ns_trace_main "$log") $host_pidns $host_utsns $(hostname) $host_pidns" \
        "$child" "the main process wrote it, in the host's namespaces"
}

@test "ns_trace passes the exit status and records stdout only" {
    log=$BATS_TEST_TMPDIR/log
    run --separate-stderr "$NS_TRACE" "$log" sh -c 'echo out; echo err >&2; exec 5>&1; echo dup >&5; exit 3'
    expect_eq "exit status" 3 "$status" "PROG's own status"
    expect_eq "lines recorded" "out dup" "$(awk -F'\t' '$1 != "main" { print $6 }' "$log" | xargs)" \
        "writes to stdout and its dups, not stderr"
}
