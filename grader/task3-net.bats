#!/usr/bin/env bats
# task3 networking (3.c): conductor addnetwork / peer / stop, in a lab of network namespaces.
#
# Everything runs inside lib/lab.bash's namespaces: conductor is started in the lab "host"
# (so its veths, nft tables and ip_forward are the lab host's), the "internet" namespace has a
# recorder at 203.0.113.10:80 that answers "seen ADDR" with the source address it saw, and
# the "client" namespace is another machine on the host's LAN (198.51.100.0/24).
# The containers' own view is taken with the host's busybox run in their network namespace
# (nsenter --net=/proc/PID/ns/net), so these tests need `run` and `ps`, not `exec`.
load lib/kit
load lib/lab

C="$KIT_ROOT/task3/conductor"
SUBNET_PREFIX=10.77 # CONDUCTOR_SUBNET below: a pool the tests can recognise

setup_file() {
    lab_up
    export CONDUCTOR_ROOT="$BATS_FILE_TMPDIR/root"
    export CONDUCTOR_SUBNET="$SUBNET_PREFIX.0.0/16"
    export CONDUCTOR_INTERFACE="$LAB_UPLINK"
    export CONDUCTOR_CONFIG=/dev/null
    mkdir -p "$BATS_FILE_TMPDIR/bb"
    printf 'FROM busybox\nCMD /bin/sh\n' >"$BATS_FILE_TMPDIR/bb/Conductorfile"
    # The internet gets a route back to the containers' pool: a real ISP would not, but here
    # a packet leaking out unmasqueraded would be answered, so a leak shows in the recorder.
    lab_inet ip route add "$SUBNET_PREFIX.0.0/16" via "$LAB_HOST_UP_ADDR"
    # The internet may answer the LAN client directly (the host routes for it, unchanged),
    # and the client may try the containers' addresses directly: what must not get through
    # shows that way.
    lab_inet ip route add "$LAB_CLIENT_ADDR/32" via "$LAB_HOST_UP_ADDR"
    lab_client ip route add "$SUBNET_PREFIX.0.0/16" via "$LAB_HOST_LAN_ADDR"
    [ -x "$C" ] && lab_host "$C" build netbb "$BATS_FILE_TMPDIR/bb/Conductorfile" >/dev/null 2>&1
    return 0
}

teardown_file() {
    lab_down
}

teardown() {
    local name
    [ -z "${far_server:-}" ] || kill "$far_server" 2>/dev/null || true
    for name in ${started:-}; do
        lab_host timeout 20 "$C" stop "$name" >/dev/null 2>&1
    done
    return 0
}

cond() { lab_host "$C" "$@"; }

# start_web NAME PORT TEXT : a detached container serving TEXT over HTTP on PORT.
start_web() {
    require_built "$C" "(task3/conductor)"
    started="${started:-} $1"
    lab_run_t 20 "$C" run -d netbb "$1" -- sh -c \
        "mkdir -p /www && echo $3 >/www/index.html && exec httpd -f -p $2 -h /www"
    expect_status 0 "conductor run -d netbb $1 failed (task 3.a); the network tests need it"
}

in_ct_net() { lab_in_ct "$C" "$@"; }   # in_ct_net NAME CMD...
# ct_pid_running NAME : PID 1 of NAME if `conductor ps` says it is running, else nothing.
ct_pid_running() { lab_host "$C" ps | awk -v n="$1" '$1 == n && $3 == "running" { print $4 }'; }
ct_ipv4() { lab_ct_cidr "$C" "$1"; }    # ct_ipv4 NAME : A.B.C.D/P

# http NSFUNC URL : body of a GET (empty on failure), 3 s at most.
http() { "$1" timeout 5 curl -s -m 3 "$2"; }

# ct_tcp_line NAME ADDR PORT : from inside container NAME, the first line a TCP server at
# ADDR:PORT sends (busybox nc, 3 s timeout); empty if it cannot connect.
ct_tcp_line() {
    in_ct_net "$1" timeout 5 busybox nc -w 3 "$2" "$3" </dev/null 2>/dev/null | head -n 1
}

# ct_http NAME ADDR PORT : from inside container NAME, the body of GET / from ADDR:PORT
# (busybox nc speaking HTTP/1.0, 3 s timeout); empty if it cannot connect.
ct_http() {
    printf 'GET / HTTP/1.0\r\n\r\n' |
        in_ct_net "$1" timeout 5 busybox nc -w 3 "$2" "$3" 2>/dev/null | sed '1,/^\r*$/d'
}

addnetwork() {
    lab_run_t 20 "$C" addnetwork "$@"
    expect_status 0 "conductor addnetwork $* should succeed"
}

# wait_http NSFUNC URL WANT : poll until the page says WANT (the server may still be starting).
wait_http() {
    local body
    for _ in $(seq 30); do
        # `|| true`: under bats' errexit a failed assignment would end the test at once.
        body=$(http "$1" "$2") || true
        [ "$body" = "$3" ] && return 0
        sleep 0.1
    done
    fail_hint "$2 answering '$3'" "'$body'" "${4:-}"
}

@test "3.c conductor addnetwork: host and container reach each other over a veth pair [4]" {
    start_web web1 8080 hello-web1
    addnetwork web1
    local cidr
    cidr=$(ct_ipv4 web1)
    expect_match "the container's address" "^$SUBNET_PREFIX\.[0-9]+\.2/24$" "$cidr" \
        "the container end of the veth gets .2 of a /24 inside CONDUCTOR_SUBNET ($CONDUCTOR_SUBNET)"
    local net=${cidr%.2/24}
    run lab_host ip -4 -o addr show
    expect_match "host addresses" " ($net\.1/24) " "$output" \
        "the host end of the veth gets .1 of the same /24"
    local hostif
    hostif=$(printf '%s\n' "$output" | awk -v a="$net.1/24" '$4 == a { print $2 }')
    expect_eq "host end is up" UP "$(lab_host ip -br link show "$hostif" | awk '{ print $2 }')" \
        "a link passes nothing until it is up (ip-link(8))"
    wait_http lab_host "http://$net.2:8080/" hello-web1 \
        "the host should reach the container's server through the veth"
    run in_ct_net web1 ip route show default
    expect_match "container default route" "default via $net\.1 " "$output" \
        "inside: default route via the host end (.1)"
    run in_ct_net web1 timeout 10 busybox ping -c 1 -W 2 127.0.0.1
    expect_status 0 "loopback must be up inside the container"
}

@test "3.c conductor addnetwork: without -i the container reaches the host but not the internet [2]" {
    start_web web2 8080 hello-web2
    # As if another container had -i: forwarding on, so only web2's own rules can stop it.
    lab_host sysctl -q -w net.ipv4.ip_forward=1
    addnetwork web2
    local cidr net
    cidr=$(ct_ipv4 web2)
    net=${cidr%.2/24}
    run in_ct_net web2 timeout 10 busybox ping -c 1 -W 2 "$net.1"
    expect_status 0 "the container should reach the host end of its veth"
    : >"$LAB_RECORDER_LOG"
    run ct_tcp_line web2 "$LAB_FAR_HOST" 80
    expect_eq "what the internet host answered" "" "$output" \
        "without -i, no forwarding and no NAT for this container: its table must drop what it sends elsewhere"
    expect_eq "connections the internet host saw" "" "$(cat "$LAB_RECORDER_LOG")" \
        "nothing from this container may leave the host"
}

@test "3.c conductor addnetwork -i: the container reaches the internet as the host's address [4]" {
    start_web web3 8080 hello-web3
    addnetwork web3 -i
    : >"$LAB_RECORDER_LOG"
    run ct_tcp_line web3 "$LAB_FAR_HOST" 80
    expect_eq "the internet host's answer" "seen $LAB_HOST_UP_ADDR" "$output" \
        "-i: ip_forward=1, forward accepted out of $LAB_UPLINK, and masquerade of the container's /24 out of it (the internet has no route back to private addresses)"
    expect_eq "source address the internet host recorded" "$LAB_HOST_UP_ADDR" \
        "$(tail -n 1 "$LAB_RECORDER_LOG")" "masquerade: the source must be the host's upstream address"
}

@test "3.c conductor addnetwork -e: a forwarded port is reachable from another machine [4]" {
    start_web web4 8080 hello-web4
    addnetwork web4 -e 8080-3004
    wait_http lab_client "http://$LAB_HOST_LAN_ADDR:3004/" hello-web4 \
        "a client on the LAN connects to the host's port 3004: DNAT in prerouting to the container's 8080, and the forward chain must let it through"
}

@test "3.c conductor addnetwork -e: the host itself reaches the port, on localhost and its own address [3]" {
    start_web web5 8080 hello-web5
    addnetwork web5 --expose 8080-3005
    wait_http lab_host "http://$LAB_HOST_UP_ADDR:3005/" hello-web5 \
        "the host's own connections never pass prerouting: they need a DNAT rule in the output hook"
    wait_http lab_host "http://127.0.0.1:3005/" hello-web5 \
        "localhost: output DNAT, plus route_localnet on the veth and a masquerade of 127.0.0.0/8 (else the container answers its own loopback)"
    expect_eq "net.ipv4.conf.all.route_localnet on the host" 0 \
        "$(lab_host cat /proc/sys/net/ipv4/conf/all/route_localnet)" \
        "set route_localnet on the container's veth only: conf/all opens 127/8 on every interface"
}

@test "3.c conductor addnetwork -i -e: only that port of the host's own addresses is forwarded, only the containers are NATed [4]" {
    started="${started:-} web9"
    lab_run_t 20 "$C" run -d netbb web9 -- sh -c \
        "mkdir -p /www && echo hello-web9 >/www/index.html && httpd -p 8081 -h /www && exec httpd -f -p 8080 -h /www"
    expect_status 0 "conductor run -d netbb web9 failed (task 3.a); the network tests need it"
    # A server on the internet host on the same port number as the forward.
    nsenter --net="/proc/$LAB_INET_PID/ns/net" socat TCP-LISTEN:3010,bind="$LAB_FAR_HOST",fork,reuseaddr \
        SYSTEM:'echo "far $SOCAT_PEERADDR"' </dev/null >/dev/null 2>&1 3>&- &
    far_server=$!
    lab_wait_port lab_inet "$LAB_FAR_HOST" 3010 || { fail_hint "lab server" "none" "lab"; return 1; }
    addnetwork web9 -i -e 8080-3010
    local cidr ip
    cidr=$(ct_ipv4 web9)
    ip=${cidr%/24}
    wait_http lab_client "http://$LAB_HOST_LAN_ADDR:3010/" hello-web9 "the forward itself must work"
    local through other direct
    through=$(lab_tcp lab_client "$LAB_FAR_HOST" 3010)
    other=$(http lab_client "http://$LAB_HOST_LAN_ADDR:8081/") || true
    direct=$(http lab_client "http://$ip:8081/") || true
    expect_eq "what the LAN client got from $LAB_FAR_HOST:3010 (routed through the host)" \
        "far $LAB_CLIENT_ADDR" "$through" \
        "DNAT only what is addressed to this host (fib daddr type local), and masquerade only the containers' subnet: traffic the host routes for others keeps its destination and its source" || return 1
    expect_eq "the host's port 8081 from the LAN (not forwarded)" "" "$other" \
        "forward only the port given with -e" || return 1
    expect_eq "the container's own address, port 8081, from the LAN" "" "$direct" \
        "the forward chain lets in only connections that were DNATed to a forwarded port"
}

@test "3.c conductor peer: containers cannot reach each other until peered [4]" {
    start_web web6 8080 hello-web6
    start_web db6 80 hello-db6
    addnetwork web6 -i
    addnetwork db6 -i
    local web_ip db_ip
    web_ip=$(ct_ipv4 web6)
    db_ip=$(ct_ipv4 db6)
    web_ip=${web_ip%/24} db_ip=${db_ip%/24}
    wait_http lab_host "http://$web_ip:8080/" hello-web6 "the host should reach web6"
    wait_http lab_host "http://$db_ip:80/" hello-db6 "the host should reach db6"
    run ct_http db6 "$web_ip" 8080
    expect_eq "db6 -> web6 before peer" "" "$output" \
        "forwarding is on (-i), so only the containers' tables can stop this: drop what goes from one container's veth to another's"
    lab_run_t 20 "$C" peer web6 db6
    expect_status 0 "conductor peer web6 db6 should succeed"
    run ct_http db6 "$web_ip" 8080
    expect_eq "db6 -> web6 after peer" hello-web6 "$output" "peer: let each one's veth talk to the other's"
    run ct_http web6 "$db_ip" 80
    expect_eq "web6 -> db6 after peer" hello-db6 "$output" "peering works both ways"
    local db_if
    db_if=$(lab_host ip -4 -o addr show | awk -v a="${db_ip%.2}.1/24" '$4 == a { print $2 }')
    lab_run_t 30 "$C" stop db6
    expect_status 0 "conductor stop db6 should succeed"
    expect_eq "rules naming db6's interface $db_if after it stopped" 0 \
        "$(lab_host nft list ruleset | grep -cw -- "$db_if")" \
        "stopping a container takes its interface out of its peers' sets (the delete form of the peer command)"
}

@test "3.c conductor stop: the container's links and rules go, nothing else changes [3]" {
    local links_before rules_before forward_before
    links_before=$(lab_host ip -o link show | awk -F': ' '{ print $2 }' | sort)
    rules_before=$(lab_host nft list ruleset)
    start_web a-container-with-a-long-name 8080 hello-long
    addnetwork a-container-with-a-long-name -i -e 8080-3007
    forward_before=$(lab_host cat /proc/sys/net/ipv4/ip_forward)
    local links_during
    links_during=$(lab_host ip -o link show | awk -F': ' '{ print $2 }' | sed 's/@.*//' | sort)
    local new
    new=$(comm -13 <(printf '%s\n' "$links_before" | sed 's/@.*//') <(printf '%s\n' "$links_during"))
    expect_eq "new links on the host while it runs" 1 "$(printf '%s' "$new" | grep -c .)" \
        "addnetwork makes exactly one link on the host: the host end of the veth"
    [ ${#new} -le 15 ] || fail_hint "an interface name of at most 15 characters" "$new" \
        "IFNAMSIZ: derive a short name from long container names"
    wait_http lab_client "http://$LAB_HOST_LAN_ADDR:3007/" hello-long "the port forward should work before stop"
    lab_run_t 30 "$C" stop a-container-with-a-long-name
    expect_status 0 "conductor stop should succeed"
    started=""
    expect_eq "links after stop" "$links_before" \
        "$(lab_host ip -o link show | awk -F': ' '{ print $2 }' | sort)" "stop deletes the veth pair"
    expect_eq "nft ruleset after stop" "$rules_before" "$(lab_host nft list ruleset)" \
        "stop deletes the container's table (and its name from its peers' sets)"
    expect_eq "ip_forward after stop" "$forward_before" "$(lab_host cat /proc/sys/net/ipv4/ip_forward)" \
        "stop changes nothing else on the host"
    run http lab_client "http://$LAB_HOST_LAN_ADDR:3007/"
    expect_eq "port 3007 after stop" "" "$output" "the forward must be gone with the container"
}

@test "3.c conductor addnetwork: bad requests are refused, nothing half-made [3]" {
    start_web web8 8080 hello-web8
    start_web db8 80 hello-db8
    local links rules
    links=$(lab_host ip -o link show | wc -l)
    rules=$(lab_host nft list ruleset)
    lab_run_t 20 "$C" addnetwork no-such-container
    [ "$status" -ne 0 ] || fail_hint "a non-zero exit" "exit 0" "addnetwork on an unknown container must fail"
    started="$started gone8"
    lab_run_t 20 "$C" run -d netbb gone8 -- true
    for _ in $(seq 50); do
        [ -z "$(ct_pid_running gone8)" ] && break
        sleep 0.1
    done
    lab_run_t 20 "$C" addnetwork gone8
    [ "$status" -ne 0 ] || fail_hint "a non-zero exit" "exit 0" "addnetwork on a container that has exited must fail"
    for bad in 8080 8080-70000 x-3000 8080:3000; do
        lab_run_t 20 "$C" addnetwork web8 -e "$bad"
        [ "$status" -ne 0 ] || fail_hint "addnetwork -e $bad refused" "exit 0" "INNER-OUTER, two ports 1-65535"
        [ -n "$output" ] || fail_hint "an error message" "nothing on stderr" "say what is wrong with -e"
    done
    expect_eq "links after refused requests" "$links" "$(lab_host ip -o link show | wc -l)" \
        "check the arguments before creating anything"
    addnetwork web8 -e 8080-3008
    lab_run_t 20 "$C" addnetwork db8 -e 80-3008
    [ "$status" -ne 0 ] || fail_hint "a non-zero exit" "exit 0" "host port 3008 is already forwarded to web8"
    lab_run_t 20 "$C" addnetwork web8
    [ "$status" -ne 0 ] || fail_hint "a non-zero exit" "exit 0" "web8 already has a network"
    expect_eq "links" "$((links + 1))" "$(lab_host ip -o link show | wc -l)" \
        "only web8's veth: the refused requests made nothing"
    nsenter --net="/proc/$LAB_HOST_PID/ns/net" socat TCP-LISTEN:3009,reuseaddr,fork /dev/null \
        </dev/null >/dev/null 2>&1 3>&- &
    local listener=$!
    lab_wait_port lab_host 127.0.0.1 3009 10
    lab_run_t 20 "$C" addnetwork db8 -e 80-3009
    local taken=$status
    kill "$listener" 2>/dev/null || true
    [ "$taken" -ne 0 ] || fail_hint "a non-zero exit" "exit 0" \
        "a process on the host listens on port 3009: forwarding it would steal its connections"
    wait_http lab_client "http://$LAB_HOST_LAN_ADDR:3008/" hello-web8 "web8's port forward still works"
    addnetwork db8 -e 80-3018
    wait_http lab_client "http://$LAB_HOST_LAN_ADDR:3018/" hello-db8 "db8 on a free port works"
}
