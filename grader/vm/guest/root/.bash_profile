# The VM check's job runs in this login session (grader/vm/boot.sh attaches it as disk kit-job).
if [ "$(tty)" = /dev/ttyS0 ] && [ -e /dev/disk/by-label/kit-job ]; then
    exec /usr/local/sbin/kit-vm-job
fi
