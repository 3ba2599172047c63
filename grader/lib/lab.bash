# lab.bash - a small simulated network for the networking tests, inside namespaces only.
#
#   client ns                 lab host ns ("the host")               internet ns
#   eth0 198.51.100.2 <-----> lan0 198.51.100.1                      eth0 192.0.2.1 (gateway)
#   default via .1                up0  192.0.2.2  <----------------> lo   203.0.113.10 (a far host)
#                                 default via 192.0.2.1                   recorder on :80
#
# Each namespace is held by a `sleep` process we start (unshare -n execs sleep, so the PID we
# keep is the holder); nothing is named in /run/netns, and killing the holders makes the
# kernel destroy the namespaces and every link in them.  The real host's interfaces, routes,
# firewall and sysctls are never touched: every command runs through nsenter --net.
#
# The recorder answers every TCP connection to 203.0.113.10:80 with one line "seen ADDR" (the
# source address it saw) and appends ADDR to $LAB_RECORDER_LOG.
#
# Use: lab_up in setup_file, lab_down in teardown_file; lab_host / lab_inet / lab_client CMD
# run CMD in a namespace.  Addresses are the TEST-NET ranges, which never leave the lab.

LAB_UPLINK=up0
LAB_HOST_UP_ADDR=192.0.2.2
LAB_GATEWAY=192.0.2.1
LAB_FAR_HOST=203.0.113.10
LAB_HOST_LAN_ADDR=198.51.100.1
LAB_CLIENT_ADDR=198.51.100.2

# Background jobs are started as plain commands (not through the lab_* functions), so $! is
# the process itself and kill reaches it.
_lab_hold() { # start a namespace holder, print its PID
    unshare --net sleep infinity </dev/null >/dev/null 2>&1 3>&- &
    echo $!
}

lab_host() { nsenter --net="/proc/$LAB_HOST_PID/ns/net" "$@"; }
# lab_run_t SECS CMD... : kit.bash's run_t with CMD in the lab host (timeout(1) cannot run a
# shell function, so this is not `run_t SECS lab_host CMD`).
lab_run_t() {
    local secs=$1
    shift
    run_t "$secs" nsenter --net="/proc/$LAB_HOST_PID/ns/net" "$@"
}
lab_inet() { nsenter --net="/proc/$LAB_INET_PID/ns/net" "$@"; }
lab_client() { nsenter --net="/proc/$LAB_CLIENT_PID/ns/net" "$@"; }

lab_up() {
    LAB_DIR=$(mktemp -d "${BATS_FILE_TMPDIR:-/tmp}/lab.XXXXXX")
    LAB_RECORDER_LOG=$LAB_DIR/recorder.log
    : >"$LAB_RECORDER_LOG"
    LAB_HOST_PID=$(_lab_hold)
    LAB_INET_PID=$(_lab_hold)
    LAB_CLIENT_PID=$(_lab_hold)
    export LAB_DIR LAB_RECORDER_LOG LAB_HOST_PID LAB_INET_PID LAB_CLIENT_PID
    export LAB_UPLINK LAB_HOST_UP_ADDR LAB_GATEWAY LAB_FAR_HOST LAB_HOST_LAN_ADDR LAB_CLIENT_ADDR
    local pid
    for pid in $LAB_HOST_PID $LAB_INET_PID $LAB_CLIENT_PID; do
        # wait until unshare has exec'd sleep in its new namespace
        local tries=0
        while [ "$(readlink /proc/"$pid"/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
            tries=$((tries + 1))
            [ $tries -lt 100 ] || { echo "lab: namespace holder $pid did not start" >&2; return 1; }
            sleep 0.02
        done
    done
    {
        lab_host ip link set lo up &&
            lab_inet ip link set lo up &&
            lab_client ip link set lo up &&
            # links are created from inside the lab host: the peer goes straight into its ns
            lab_host ip link add "$LAB_UPLINK" type veth peer name eth0 netns "$LAB_INET_PID" &&
            lab_host ip link add lan0 type veth peer name eth0 netns "$LAB_CLIENT_PID" &&
            lab_host ip addr add "$LAB_HOST_UP_ADDR/24" dev "$LAB_UPLINK" &&
            lab_host ip link set "$LAB_UPLINK" up &&
            lab_host ip addr add "$LAB_HOST_LAN_ADDR/24" dev lan0 &&
            lab_host ip link set lan0 up &&
            lab_host ip route add default via "$LAB_GATEWAY" &&
            lab_inet ip addr add "$LAB_GATEWAY/24" dev eth0 &&
            lab_inet ip link set eth0 up &&
            lab_inet ip addr add "$LAB_FAR_HOST/32" dev lo &&
            lab_client ip addr add "$LAB_CLIENT_ADDR/24" dev eth0 &&
            lab_client ip link set eth0 up &&
            lab_client ip route add default via "$LAB_HOST_LAN_ADDR"
    } || { echo "lab: could not build the lab network" >&2; lab_down; return 1; }
    # The internet has no route back to the containers' private addresses: like the real
    # one, it only ever sees the host's address (so masquerade is needed to get answers).
    nsenter --net="/proc/$LAB_INET_PID/ns/net" socat TCP-LISTEN:80,bind="$LAB_FAR_HOST",fork,reuseaddr \
        SYSTEM:'echo "$SOCAT_PEERADDR" >>"$LAB_RECORDER_LOG"; echo "seen $SOCAT_PEERADDR"' \
        </dev/null >/dev/null 2>&1 3>&- &
    LAB_RECORDER_PID=$!
    export LAB_RECORDER_PID
    lab_wait_port lab_inet "$LAB_FAR_HOST" 80 ||
        { echo "lab: recorder did not start" >&2; lab_down; return 1; }
    : >"$LAB_RECORDER_LOG" # forget the readiness probe
}

# lab_wait_port NSFUNC ADDR PORT [TRIES] : wait until a TCP connect to ADDR:PORT succeeds.
lab_wait_port() {
    local ns=$1 addr=$2 port=$3 tries=${4:-100}
    while [ "$tries" -gt 0 ]; do
        "$ns" socat -T1 /dev/null "TCP:$addr:$port,connect-timeout=1" 2>/dev/null && return 0
        tries=$((tries - 1))
        sleep 0.05
    done
    return 1
}

# lab_tcp NSFUNC ADDR PORT : connect, print what the server says (empty on failure), 3 s max.
lab_tcp() {
    "$1" timeout 5 socat -T3 - "TCP:$2:$3,connect-timeout=3" </dev/null 2>/dev/null
}

# Safe under `set -e` and when called twice: a process already gone is not an error.
lab_down() {
    local pid
    for pid in ${LAB_RECORDER_PID:-} ${LAB_HOST_PID:-} ${LAB_INET_PID:-} ${LAB_CLIENT_PID:-}; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in ${LAB_RECORDER_PID:-} ${LAB_HOST_PID:-} ${LAB_INET_PID:-} ${LAB_CLIENT_PID:-}; do
        # wait for exit (not our child in every bats phase, so poll)
        local tries=0
        while kill -0 "$pid" 2>/dev/null && [ $tries -lt 100 ]; do
            sleep 0.02
            tries=$((tries + 1))
        done
    done
    if [ -n "${LAB_DIR:-}" ]; then rm -rf "$LAB_DIR"; fi
    unset LAB_RECORDER_PID LAB_HOST_PID LAB_INET_PID LAB_CLIENT_PID LAB_DIR
    return 0
}

# ---- containers of conductor in the lab (conductor runs in the lab host) ----
# lab_ct_pid CONDUCTOR NAME : PID 1 of container NAME, from `conductor ps`.
lab_ct_pid() { lab_host "$1" ps | awk -v n="$2" '$1 == n { print $4 }'; }

# lab_in_ct CONDUCTOR NAME CMD... : a host program CMD inside container NAME's network
# namespace (the container's view of the network, without needing `conductor exec`).
lab_in_ct() {
    local pid
    pid=$(lab_ct_pid "$1" "$2")
    shift 2
    [ -n "$pid" ] || { echo "no running container"; return 1; }
    nsenter --net="/proc/$pid/ns/net" "$@"
}

# lab_ct_cidr CONDUCTOR NAME : the container's global IPv4 address, A.B.C.D/P.
lab_ct_cidr() {
    lab_in_ct "$1" "$2" ip -4 -o addr show scope global | awk '{ print $4; exit }'
}
