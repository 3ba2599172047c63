#!/usr/bin/env bash
# boot.sh - boot the VM image once with a job, stream the job's output, exit with its status.
#
#   grader/vm/boot.sh JOBDIR [TIMEOUT_S]          (root; used by run.sh and test.sh)
#
# JOBDIR becomes a second disk (label kit-job, made with mkfs.ext4 -d) that the guest mounts at
# /kit-job; root logs in by itself on the serial console and that login session runs
# JOBDIR/job.sh (see guest/usr/local/sbin/kit-vm-job), its output on the second serial port,
# which this script prints as it comes.  QEMU runs with -snapshot (nothing the guest writes
# persists), user-mode networking (the guest reaches the Debian mirror through the host), KVM
# only where it really works (TCG otherwise), and the whole boot under TIMEOUT_S (default 3600).
# KIT_VM_CPUS (default 2) and KIT_VM_MEM (MiB, default 3072) size the guest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ $# -ge 1 ] && [ -f "$1/job.sh" ] || vm_die "usage: boot.sh JOBDIR [TIMEOUT_S] (JOBDIR/job.sh is the job)"
jobdir=$1 limit=${2:-3600}
"$VM_DIR/deps.sh" || vm_die "cannot install QEMU (grader/vm/deps.sh)"
image=$(nice -n 5 "$VM_DIR/image.sh")
[ -f "$image/rootfs.ext4" ] || vm_die "image.sh did not name an image: '$image'"

run=$(mktemp -d /tmp/kit-vm-run.XXXXXX)
qemu_pid=""
cleanup() {
    [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null && wait "$qemu_pid" 2>/dev/null
    rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP

# The guest's job has the time that is left after booting, so it can still report and power off.
echo $((limit > 300 ? limit - 180 : limit)) >"$jobdir/timeout"
mkfs.ext4 -q -F -L kit-job -d "$jobdir" "$run/job.ext4" "$(( $(du -sm "$jobdir" | cut -f1) + 1536 ))M" >/dev/null
accel=$(vm_accel "$image/vmlinuz")
cpus=${KIT_VM_CPUS:-2} mem=${KIT_VM_MEM:-3072}
# TCG on a busy host can be 50 times slower than a real machine: systemd's 90 s for a device
# (/dev/ttyS0) or a service, and its services' watchdogs (journald's), must not give up.
slow_machine="systemd.default_timeout_start_sec=3600 systemd.service_watchdogs=0"
vm_log "booting Debian 12 ($accel, $cpus vCPU, $mem MiB, limit ${limit} s); console log: $run/console.log"
: >"$run/job.log"
start=$(date +%s)
timeout --kill-after=20 "$limit" qemu-system-x86_64 \
    -accel "$accel" $([ "$accel" = kvm ] && echo "-cpu host" || echo "-cpu max") \
    -smp "$cpus" -m "$mem" -nodefaults -display none -no-reboot \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 net.ifnames=0 systemd.show_status=0 $slow_machine" \
    -snapshot \
    -drive "file=$image/rootfs.ext4,format=raw,if=virtio" \
    -drive "file=$run/job.ext4,format=raw,if=virtio" \
    -netdev user,id=net0,ipv6=off -device virtio-net-pci,netdev=net0 -device virtio-rng-pci \
    -serial "file:$run/console.log" -serial "file:$run/job.log" </dev/null &
qemu_pid=$!
# The job's output as it comes (without the serial line's carriage returns).
tail -n +1 -s 1 -f --pid="$qemu_pid" "$run/job.log" | sed -u 's/\r$//'
wait "$qemu_pid" && qrc=0 || qrc=$?
qemu_pid=""
rc=$(tr -d '\r' <"$run/job.log" | sed -n 's/^kit-vm: exit \([0-9]*\)$/\1/p' | tail -1)
vm_log "the VM ran $(($(date +%s) - start)) s (QEMU status $qrc)"
if [ -z "$rc" ]; then
    vm_log "the job did not finish (timeout ${limit} s, or the guest failed); the console's last lines:"
    tail -n 30 "$run/console.log" | tr -d '\r' | sed 's/^/vm: console: /' >&2
    exit 124
fi
exit "$rc"
