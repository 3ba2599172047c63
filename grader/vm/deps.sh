#!/usr/bin/env bash
# deps.sh - install what the VM check needs on the host, from Debian (does nothing when all
# are there): QEMU, its BIOS, debootstrap and mkfs.ext4 (e2fsprogs >= 1.43 for -d).
set -eu
PACKAGES=(qemu-system-x86 seabios debootstrap e2fsprogs)
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
[ "$(id -u)" -eq 0 ] || { echo "vm: installing ${missing[*]} needs root" >&2; exit 1; }
echo "vm: installing ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
