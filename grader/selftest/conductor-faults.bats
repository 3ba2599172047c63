#!/usr/bin/env bats
# conductor killed at any point (kit code, not the student's): kill -9 of conductor at random
# moments of build (a busybox image, and a debootstrap base), run, run -d, exec, stop,
# addnetwork and peer; after each kill, ps, stop, rmi and rmcache work, a new build works, and
# nothing is left: no mount, cgroup, link, nft table, process or temp file.  In the lab of
# grader/lib/lab.bash: the real host's network is never touched.  KIT_FAULT_TRIALS (default 3)
# kills per command; KIT_FAULT_SEED repeats a run's moments (the seed is printed).
KIT_ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
load ../lib/kit
load ../lib/lab

C="$KIT_ROOT/task3/conductor"
TRIALS=${KIT_FAULT_TRIALS:-3}

setup_file() {
    lab_up
    export CONDUCTOR_CONFIG=/dev/null CONDUCTOR_SUBNET=10.79.0.0/16 CONDUCTOR_INTERFACE="$LAB_UPLINK"
    local ctx="$BATS_FILE_TMPDIR/ctx"
    mkdir -p "$ctx" "$BATS_FILE_TMPDIR/fake"
    echo data >"$ctx/f"
    printf 'FROM busybox\nRUN sleep 0.4; echo x >/x\nCOPY f /f\nRUN echo y >/y\n' >"$ctx/Conductorfile"
    printf 'FROM debian:faultsuite\n' >"$ctx/Debianfile"
    # A stand-in for debootstrap (found first on PATH): mounts proc in the target, as the real
    # one does, and takes its time, so a kill lands while the mount is there.
    cat >"$BATS_FILE_TMPDIR/fake/debootstrap" <<'EOF'
#!/bin/sh
for last; do :; done
eval "target=\${$(($# - 1))}"
mkdir -p "$target/proc" "$target/bin" "$target/etc" || exit 1
mount -t proc proc "$target/proc" || exit 1
cp "$(command -v busybox)" "$target/bin/sh" && sleep 0.8
umount "$target/proc"
EOF
    chmod +x "$BATS_FILE_TMPDIR/fake/debootstrap"
    export PATH="$BATS_FILE_TMPDIR/fake:$PATH"
    SEED=${KIT_FAULT_SEED:-$((($$ + $(date +%s)) % 32768))}
    echo "# fault seed: $SEED (KIT_FAULT_SEED=$SEED repeats these moments)" >&3
    export SEED
}

teardown_file() { lab_down; }

# Each test has a state root of its own, and counts only what is new since it began: a failed
# test's leftovers are its own, not the next one's.
setup() {
    require_built "$C" "(make -C task3)"
    export CONDUCTOR_ROOT="$BATS_TEST_TMPDIR/root"
    export CONDUCTOR_BASES="$CONDUCTOR_ROOT/cache/bases"
    RANDOM=$((SEED + ${BATS_TEST_NUMBER:-0}))
    BEFORE=$(leftovers)
}

teardown() { repair >/dev/null 2>&1; return 0; }

cond() { lab_host "$C" "$@"; }
build_image() { cond build "$1" "$BATS_FILE_TMPDIR/ctx/Conductorfile" >/dev/null 2>&1; }

# ps, then stop every container there is and remove every image and the cache: each must work.
repair() {
    local name
    cond ps -a >/dev/null || { echo "ps -a failed"; return 1; }
    for name in $(ls "$CONDUCTOR_ROOT/containers" 2>/dev/null); do
        timeout 30 nsenter --net="/proc/$LAB_HOST_PID/ns/net" "$C" stop "$name" >/dev/null ||
            { echo "stop $name failed"; return 1; }
    done
    for name in $(ls "$CONDUCTOR_ROOT/images" 2>/dev/null); do
        cond rmi "$name" >/dev/null || { echo "rmi $name failed"; return 1; }
    done
    cond rmcache >/dev/null || { echo "rmcache failed"; return 1; }
}

# What a killed conductor could leave, one line each (empty: nothing).
leftovers() {
    grep -F "$CONDUCTOR_ROOT" /proc/self/mountinfo | awk '{ print "mount " $5 }'
    find /sys/fs/cgroup -maxdepth 12 -type d -name 'conductor-*-flt*' 2>/dev/null | sed 's/^/cgroup /'
    lab_host ip -o link show | awk -F': ' '$2 ~ /^ve-/ { print "link " $2 }'
    lab_host nft list tables | awk '$3 ~ /^kit_/ { print "nft table " $3 }'
    pgrep -af 'sleep (7919|0\.8|0\.4)$' | sed 's/^/process /'
    ls -A "$CONDUCTOR_ROOT/tmp" "$CONDUCTOR_ROOT/containers" 2>/dev/null | grep -v ':$' | grep . |
        sed 's/^/state /'
    ls -A "$CONDUCTOR_ROOT/images" "$CONDUCTOR_BASES" 2>/dev/null | grep -E '\.tmp' | sed 's/^/temp /'
}

# kill_during MAX_MS PREP CMD... : run PREP (a shell snippet), then CMD in the background, and
# kill -9 it after 0..MAX_MS ms; then repair and look for leftovers.  Fails naming the moment.
kill_during() {
    local max=$1 prep=$2 trial ms pid left
    shift 2
    for trial in $(seq "$TRIALS"); do
        ms=$((RANDOM % max))
        eval "$prep" || fail_hint "the trial's preparation" "failed: $prep" "conductor itself"
        nsenter --net="/proc/$LAB_HOST_PID/ns/net" "$C" "$@" >/dev/null 2>&1 </dev/null &
        pid=$!
        sleep "$(printf '0.%03d' "$ms")"
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        left=$(repair 2>&1) ||
            fail_hint "ps/stop/rmi/rmcache work after kill -9 at $ms ms of '$*'" "$left" \
                "each command must repair what a killed one left"
        left=$(comm -13 <(sort <<<"$BEFORE") <(leftovers | sort))
        [ -z "$left" ] ||
            fail_hint "nothing left after kill -9 at $ms ms of '$*' and the cleanup" "$left" \
                "a killed conductor must leave only what the next command removes"
        build_image fltcheck ||
            fail_hint "a new build after kill -9 at $ms ms of '$*'" "it failed" "state repaired"
    done
}

@test "kill -9 during build (busybox layers, COPY, RUN)" {
    kill_during 900 true build fltimg "$BATS_FILE_TMPDIR/ctx/Conductorfile"
}

@test "kill -9 during build from a debootstrap base (its proc mount, its processes)" {
    kill_during 900 true build fltdeb "$BATS_FILE_TMPDIR/ctx/Debianfile"
}

@test "kill -9 during run and run -d" {
    kill_during 300 "build_image fltbb" run fltbb fltrun -- sleep 7919
    kill_during 300 "build_image fltbb" run -d fltbb fltdet -- sleep 7919
}

@test "kill -9 during exec and stop" {
    kill_during 200 "build_image fltbb && cond run -d fltbb fltex -- sleep 7919 >/dev/null" \
        exec fltex -- sleep 7919
    kill_during 200 "build_image fltbb && cond run -d fltbb fltst -- sleep 7919 >/dev/null &&
        cond addnetwork fltst -i -e 8080-3080 >/dev/null" stop fltst
}

@test "kill -9 during addnetwork and peer" {
    kill_during 250 "build_image fltbb && cond run -d fltbb fltn1 -- sleep 7919 >/dev/null" \
        addnetwork fltn1 -i -e 8080-3081
    kill_during 150 "build_image fltbb && cond run -d fltbb fltp1 -- sleep 7919 >/dev/null &&
        cond run -d fltbb fltp2 -- sleep 7919 >/dev/null && cond addnetwork fltp1 >/dev/null &&
        cond addnetwork fltp2 >/dev/null" peer fltp1 fltp2
}
