# guest-grade.sh - the job test.sh gives the VM (runs inside it, from the login session):
# `make -k all`, then `make grade TASK=T` for each task, first from this login session, then
# from a plain systemd service.  Each grade ends with a line the host reads:
#   kit-vm: result MODE TASK GOT/BEST SECONDS CGROUP
cd /kit-job/kit || exit 125
echo "kit-vm: booted in $(cut -d' ' -f1 /proc/uptime) s"
session_cg=$(sed -n 's/^0:://p' /proc/self/cgroup)
case $session_cg in
/user.slice/user-0.slice/session-*.scope) ;;
*) echo "kit-vm: the job is not in a login session scope but in '$session_cg'"; exit 3 ;;
esac
echo "kit-vm: cgroup2 only: $(awk '$3 ~ /^cgroup/ { print $3 " " $2 }' /proc/self/mounts | paste -sd' ')"
grader/deps.sh --check || { echo "kit-vm: the image lacks the kit's packages (grader/vm/image.sh)"; exit 3; }
t0=$(date +%s)
make -k all >/tmp/build.log 2>&1 || { echo "kit-vm: make -k all failed; its last lines:"; tail -20 /tmp/build.log; }
echo "kit-vm: make -k all took $(($(date +%s) - t0)) s"

report() {   # MODE TASK START CGROUP < grade output
    local score
    score=$(tee /dev/stderr | sed -n 's/^.*Score: \([0-9]*\/[0-9]*\).*$/\1/p' | tail -1)
    echo "kit-vm: result $1 $2 ${score:-0/0} $(($(date +%s) - $3)) $4"
}
for t in $(cat /kit-job/tasks); do
    echo "=== $t from a login session ($session_cg)"
    t0=$(date +%s)
    make --no-print-directory grade TASK="$t" 2>&1 | report session "$t" "$t0" "$session_cg" 2>&1
done
# The programs by hand, as from a student's terminal (no grader in between).
[ -e /kit-job/by-hand ] && bash /kit-job/kit/grader/vm/guest-by-hand.sh
for t in $(cat /kit-job/tasks); do
    echo "=== $t from a systemd service (/system.slice/kit-vm-grade-$t.service)"
    t0=$(date +%s)
    systemd-run --quiet --wait --pipe --collect --unit="kit-vm-grade-$t" \
        -p WorkingDirectory=/kit-job/kit make --no-print-directory grade TASK="$t" 2>&1 |
        report service "$t" "$t0" "/system.slice/kit-vm-grade-$t.service" 2>&1
done
