#!/usr/bin/env bash
# network.sh - what conductor's networking costs, measured in the grader's lab namespaces.
#
#   grader/bench/network.sh [SECONDS]      (make bench; root; default 5 s per wrk run)
#
#   1. HTTP requests/s (wrk, 2 threads, 32 connections) to counter-service in a container:
#        a. from the host to the container's address       (veth only)
#        b. from the host to localhost:3000                 (output DNAT + masquerade)
#        c. from a LAN client to the host's port 3000       (prerouting DNAT + forwarding)
#      The server is the host's counter-service binary started in the container's network
#      namespace (nsenter --net): the network path is the container's, the libraries the host's.
#   2. `conductor addnetwork` and `conductor stop` (with teardown) wall time, median of N.
#
# Nothing touches the real host: conductor runs in the lab host namespace (grader/lib/lab.bash),
# and everything is removed at the end.
set -eu
SECS=${1:-5}
KIT_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COND=$KIT_ROOT/task3/conductor
CS=$KIT_ROOT/task4/counter-service/counter-service

if [ "$(id -u)" -ne 0 ]; then
    echo "network.sh: needs root (it creates namespaces and containers)" >&2
    exit 2
fi
for f in "$COND" "$CS"; do
    [ -x "$f" ] || { echo "network.sh: $f is not built: run make" >&2; exit 2; }
done
for tool in wrk socat curl; do
    command -v $tool >/dev/null || { echo "network.sh: $tool is missing (make deps)" >&2; exit 2; }
done
if [ -z "${KIT_BENCH_INSIDE:-}" ]; then
    export KIT_BENCH_INSIDE=1
    exec unshare --mount --propagation private --uts -- "$0" "$@"
fi

# shellcheck source=../lib/lab.bash
. "$KIT_ROOT/grader/lib/lab.bash"
WORK=$(mktemp -d /tmp/kit-bench-network.XXXXXX)
export CONDUCTOR_ROOT=$WORK/root CONDUCTOR_CONFIG=/dev/null CONDUCTOR_INTERFACE=up0
BATS_FILE_TMPDIR=$WORK lab_up
cleanup() {
    set +e # clean up everything, even after a failure
    [ -n "${cs_pid:-}" ] && kill "$cs_pid" 2>/dev/null
    local c
    for c in "$CONDUCTOR_ROOT"/containers/*/; do
        [ -d "$c" ] && lab_host "$COND" stop "$(basename "$c")" >/dev/null 2>&1
    done
    lab_down
    rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/ctx"
printf 'FROM busybox\n' >"$WORK/ctx/Conductorfile"
"$COND" build bb "$WORK/ctx/Conductorfile" >/dev/null

# ---- 1. requests/s ----
lab_host "$COND" run -d bb web -- sleep 3600 >/dev/null
lab_host "$COND" addnetwork web -e 8080-3000 >/dev/null
pid=$(lab_ct_pid "$COND" web)
addr=$(lab_ct_cidr "$COND" web)
addr=${addr%/*}
nsenter --net="/proc/$pid/ns/net" "$CS" 8080 4 >/dev/null 2>&1 </dev/null &
cs_pid=$!
lab_wait_port lab_host "$addr" 8080 || { echo "network.sh: server did not start" >&2; exit 1; }

# wrk_rps NSFUNC URL : requests/s
wrk_rps() {
    "$1" wrk -t2 -c32 -d"${SECS}s" "$2" 2>/dev/null | awk '/^Requests\/sec/ { print $2 }'
}
echo "== HTTP requests/s to a container (wrk -t2 -c32 -d${SECS}s, GET /get_counter)"
direct=$(wrk_rps lab_host "http://$addr:8080/get_counter")
local_fwd=$(wrk_rps lab_host "http://127.0.0.1:3000/get_counter")
lan_fwd=$(wrk_rps lab_client "http://$LAB_HOST_LAN_ADDR:3000/get_counter")
printf '  %-48s %10s\n' "host -> container address (veth)" "$direct" \
    "host -> localhost:3000 (output DNAT)" "$local_fwd" \
    "LAN client -> host:3000 (DNAT + forward)" "$lan_fwd"
awk -v d="$direct" -v l="$local_fwd" -v c="$lan_fwd" 'BEGIN {
    printf "  port forward vs direct: localhost %.2fx, LAN client %.2fx\n", l / d, c / d }'
kill $cs_pid 2>/dev/null || true
wait $cs_pid 2>/dev/null || true
cs_pid=
lab_host "$COND" stop web >/dev/null

# ---- 2. addnetwork / stop time ----
N=10
echo "== conductor addnetwork -i -e and stop, $N containers (ms)"
add_ms=() stop_ms=()
for i in $(seq $N); do
    lab_host "$COND" run -d bb "n$i" -- sleep 3600 >/dev/null
    t0=$(date +%s%N)
    lab_host "$COND" addnetwork "n$i" -i -e "80-$((4000 + i))" >/dev/null
    t1=$(date +%s%N)
    add_ms+=($(((t1 - t0) / 1000000)))
done
for i in $(seq $N); do
    t0=$(date +%s%N)
    lab_host "$COND" stop "n$i" >/dev/null
    t1=$(date +%s%N)
    stop_ms+=($(((t1 - t0) / 1000000)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
printf '  %-48s %10s\n' "addnetwork (veth, addresses, route, nft table)" "$(median "${add_ms[@]}")" \
    "stop (kill, network teardown, cgroup, state)" "$(median "${stop_ms[@]}")"
