# guest-by-hand.sh - run inside the VM by guest-grade.sh, from the login session: the programs
# started by hand as a student starts them from a terminal (no grader, no KIT_CGROUP_PARENT),
# each judged through the kernel: the limit files of the group the container's process is in,
# that group gone afterwards, and the student's own session scope left as it was (no kit-leaf,
# the shell not moved).  One line per check for the host (test.sh):
#   kit-vm: result hand CHECK 1/1|0/1 SECONDS CGROUP
cd /kit-job/kit || exit 125
R=/tmp/hand-rootfs
common/tools/kit-mkrootfs busybox "$R" >/dev/null || echo "kit-vm: kit-mkrootfs failed"
session_cg=$(sed -n 's/^0:://p' /proc/self/cgroup)

# wait_pid PATTERN : the newest process whose whole command line is PATTERN (20 s at most).
wait_pid() {
    local p i
    for i in $(seq 100); do
        p=$(pgrep -nf "^$1\$") && { echo "$p"; return 0; }
        sleep 0.2
    done
    return 1
}
cg_of() { echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")"; }

# check NAME FUNCTION : run FUNCTION (it prints what it saw, returns 0 when right) and report.
check() {
    local t0 ok=0/1
    t0=$(date +%s)
    echo "=== by hand: $1"
    # (Into a file: a process the check left running would hold a $(...) pipe open.)
    timeout 120 bash -c "$2" >/tmp/hand.out 2>&1 && ok=1/1
    sed 's/^/    /' /tmp/hand.out
    echo "kit-vm: result hand $1 $ok $(($(date +%s) - t0)) $session_cg"
}

task0_pids() {
    local p g
    task0/shell_container.sh run "$R" hand0 sleep 301 &
    p=$(wait_pid "sleep 301") || { echo "no container process"; return 1; }
    g=$(cg_of "$p")
    echo "container in $g, pids.max $(cat "$g/pids.max")"
    [ "$(cat "$g/pids.max")" = 20 ] || return 1
    kill -KILL "$p"; wait   # PID 1 of its namespace: SIGTERM from outside is ignored
    [ ! -d "$g" ] || { echo "$g left behind"; return 1; }
}

simple_2c() {
    local p g q per
    rm -rf /tmp/hand-2c && mkdir /tmp/hand-2c
    task2/simple_container 2c /tmp/hand-2c >/dev/null &
    for _ in $(seq 100); do p=$(pgrep -nx container_prog) && break; sleep 0.2; done
    [ -n "$p" ] || { echo "no container_prog"; return 1; }
    g=$(cg_of "$p")
    read -r q per <"$g/cpu.max"
    echo "container_prog in $g, cpu.max $q $per"
    wait
    [ "$q" != max ] && [ $((q * 2)) -eq "$per" ] || return 1
    [ ! -d "$g" ] || { echo "$g left behind"; return 1; }
}

scratch_limits() {
    local p g
    task2/scratch_container --memory 64m --pids 50 "$R" sleep 302 &
    p=$(wait_pid "sleep 302") || { echo "no container process"; return 1; }
    g=$(cg_of "$p")
    echo "container in $g, memory.max $(cat "$g/memory.max"), pids.max $(cat "$g/pids.max")"
    [ "$(cat "$g/memory.max")" = 67108864 ] && [ "$(cat "$g/pids.max")" = 50 ] || return 1
    kill "$p"; wait
    [ ! -d "$g" ] || { echo "$g left behind"; return 1; }
}

conductor_run() {
    local p g
    printf 'FROM busybox\n' >/tmp/hand.Conductorfile
    task3/conductor build handimg /tmp/hand.Conductorfile >/dev/null || return 1
    task3/conductor run -d --memory 64m handimg hand1 -- sleep 303 || return 1
    p=$(wait_pid "sleep 303") || { echo "no container process"; return 1; }
    g=$(cg_of "$p")
    echo "container in $g, memory.max $(cat "$g/memory.max")"
    [ "$(cat "$g/memory.max")" = 67108864 ] || return 1
    task3/conductor stop hand1 && task3/conductor rmi handimg >/dev/null || return 1
    [ ! -d "$g" ] || { echo "$g left behind"; return 1; }
}

# The student's session scope afterwards: still where the shell is, no group of the kit in it.
session_untouched() {
    local now left
    now=$(sed -n 's/^0:://p' /proc/self/cgroup)
    left=$(find "/sys/fs/cgroup$session_cg" -mindepth 1 -type d)
    echo "shell in $now; groups in the session scope: ${left:-none}"
    [ "$now" = "$session_cg" ] && [ -z "$left" ]
}

# (timeout runs programs, not functions: each check runs in a bash that inherits these.)
export R session_cg
export -f wait_pid cg_of task0_pids simple_2c scratch_limits conductor_run session_untouched
check task0-pids-by-hand task0_pids
check simple-2c-by-hand simple_2c
check scratch-limits-by-hand scratch_limits
check conductor-run-by-hand conductor_run
check session-untouched session_untouched
