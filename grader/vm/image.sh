#!/usr/bin/env bash
# image.sh - build (once) the Debian 12 VM image the kit's v2 check boots, and print its folder.
#
#   grader/vm/image.sh            (root; prints $KIT_VM_CACHE/image-KEY, building it if missing)
#
# The image: debootstrap bookworm from the host's mirror with Debian's own kernel and systemd,
# the kit's packages (grader/deps.sh --list), a conductor debian:bookworm base where the grader
# looks for it (/var/cache/kit/conductor/bases), and the files of grader/vm/guest/ (root
# autologin on the serial console, networking for QEMU's user-mode network).  The disk is made
# with `mkfs.ext4 -d` (no loop mount); the kernel and initrd are copied beside it for QEMU's
# -kernel/-initrd.  KEY hashes what shapes the image, so a changed package list rebuilds it.
# Downloaded packages are kept in $KIT_VM_CACHE/debs for the next build.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" -eq 0 ] || vm_die "building the image needs root (debootstrap)"
for t in debootstrap mkfs.ext4 flock; do
    command -v "$t" >/dev/null || vm_die "'$t' is missing (apt-get install debootstrap e2fsprogs util-linux)"
done
out=$(vm_image_dir)
[ -f "$out/rootfs.ext4" ] && { echo "$out"; exit 0; }

mkdir -p "$KIT_VM_CACHE/debs"
# The host's own apt cache saves most downloads (hard links: same name, same package).
for f in /var/cache/apt/archives/*.deb; do
    if [ -e "$f" ] && [ ! -e "$KIT_VM_CACHE/debs/${f##*/}" ]; then
        ln "$f" "$KIT_VM_CACHE/debs/" 2>/dev/null || break
    fi
done
exec 9>"$KIT_VM_CACHE/.lock"
# Two builders: the second waits, then reuses.
flock -n 9 || { vm_log "image: another build of the image runs; waiting for it"; flock 9; }
[ -f "$out/rootfs.ext4" ] && { echo "$out"; exit 0; }
work=$out.tmp
rm -rf --one-file-system "$work"
mkdir -p "$work"
# Stopped half-way: what debootstrap mounted in the tree is detached before it is removed.
remove_work() {
    awk -v w="$work/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while read -r m; do umount -l "$m"; done
    rm -rf --one-file-system "$work"
}
trap remove_work EXIT
trap 'exit 143' TERM INT HUP
root=$work/rootfs
mirror=$(vm_mirror)
start=$(date +%s)
step() { vm_log "image: [$(($(date +%s) - start)) s] $*"; }

# What a booted Debian with a login session needs, then the kit's own packages.
boot_pkgs=linux-image-amd64,systemd-sysv,udev,dbus,libpam-systemd,kmod,e2fsprogs,iproute2,less
kit_pkgs=$("$KIT_TREE/grader/deps.sh" --list | paste -sd,)
mkdir -p "$root/etc"
cp -a "$VM_DIR/guest/etc/initramfs-tools" "$root/etc/"   # read when the kernel is installed
step "debootstrap bookworm from $mirror with the kernel, systemd and the kit's packages (minutes)"
debootstrap --variant=minbase --cache-dir="$KIT_VM_CACHE/debs" \
    --include="$boot_pkgs,$kit_pkgs" bookworm "$root" "$mirror" 2>&1 |
    awk '/^I: (Retrieving|Validating|Unpacking|Configuring) / { if (++n[$2] % 50) next
                                                            $0 = $2 " " n[$2] " packages..." }
         { print "vm: image:   " $0; fflush() }' >&2 || vm_die "debootstrap failed"
[ -x "$root/usr/bin/make" ] && [ -e "$root/usr/lib/systemd/systemd" ] || vm_die "debootstrap failed"
# Every package asked for must really be there: a guest that has to install one itself would
# grade with other packages than CI's image, or hang in apt.
missing=$(chroot "$root" dpkg-query -W -f='${Package} ${db:Status-Status}\n' ${kit_pkgs//,/ } 2>&1 |
    awk '$1 == "dpkg-query:" { print $NF; next } $2 != "installed" { print $1 }' | paste -sd' ')
[ -z "$missing" ] || vm_die "the image lacks packages debootstrap was asked for: $missing"

step "the conductor's debian:bookworm base (as task3/build.c makes it)"
bases=$root/var/cache/kit/conductor/bases
mkdir -p "$bases"
debootstrap --variant=minbase --cache-dir="$KIT_VM_CACHE/debs" bookworm \
    "$bases/debian-bookworm" "$mirror" >/dev/null 2>&1 || vm_die "debootstrap of the conductor base failed"

step "guest configuration"
cp -a "$VM_DIR/guest/." "$root/"
echo kit-vm >"$root/etc/hostname"
printf 'deb %s bookworm main\n' "$mirror" >"$root/etc/apt/sources.list"
printf 'nameserver 10.0.2.3\n' >"$root/etc/resolv.conf"     # QEMU user-mode network's DNS
printf '/dev/vda / ext4 defaults 0 1\n' >"$root/etc/fstab"
chroot "$root" passwd -d root >/dev/null
systemctl --root="$root" enable systemd-networkd.service >/dev/null 2>&1
# Timers that would start apt or fsck jobs in the middle of a grade.
systemctl --root="$root" mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer \
    fstrim.timer man-db.timer systemd-networkd-wait-online.service >/dev/null 2>&1 || true
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages

step "kernel, initrd and the ext4 disk (mkfs.ext4 -d)"
cp "$(ls "$root"/boot/vmlinuz-* | sort -V | tail -1)" "$work/vmlinuz"
cp "$(ls "$root"/boot/initrd.img-* | sort -V | tail -1)" "$work/initrd.img"
# Room for builds, conductor images and task4's apt inside containers (the file is sparse).
size_mb=$(( $(du -sm "$root" | cut -f1) + 6144 ))
# (mkfs.ext4 says "Creating regular file" even with -q: stdout is the image path alone)
mkfs.ext4 -q -F -L kit-root -d "$root" "$work/rootfs.ext4" "${size_mb}M" >&2
rm -rf --one-file-system "$root"
mv "$work" "$out"
trap - EXIT
step "image ready: $out"
echo "$out"
