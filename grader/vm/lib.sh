# lib.sh - what the VM scripts share: where the image is cached and what it is keyed by.
# Sourced by image.sh, boot.sh, run.sh and test.sh (grader/vm/README in their headers).
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KIT_TREE=$(cd "$VM_DIR/../.." && pwd)
# Outside the tree, kept between runs (and between CI runs on the same machine).
: "${KIT_VM_CACHE:=/var/cache/kit-vm}"

vm_log() { printf 'vm: %s\n' "$*" >&2; }
vm_die() { printf 'vm: %s\n' "$*" >&2; exit 1; }

# The Debian mirror the host's apt uses (deb822 "URIs:" or a classic "deb" line).
vm_mirror() {
    local m
    m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources \
        2>/dev/null | awk '/^URIs:/ && /debian\/?$/ { print $2; exit }
                          /^deb / && $0 ~ / bookworm / && $0 !~ /security/ { for (i = 2; i <= NF; i++)
                              if ($i ~ /^https?:/) { print $i; exit } }')
    echo "${m:-http://deb.debian.org/debian}"
}

# Everything that shapes the image: the kit's package list, the build script, the guest files.
vm_image_key() {
    { "$KIT_TREE/grader/deps.sh" --list; cat "$VM_DIR/image.sh";
      (cd "$VM_DIR/guest" && find . -type f | sort | xargs -d '\n' sha256sum); } |
        sha256sum | cut -c1-12
}

vm_image_dir() { echo "$KIT_VM_CACHE/image-$(vm_image_key)"; }

# Copy the checkout's files (tracked, and new ones not ignored; as they are in the work tree,
# uncommitted changes included) to DEST: what the VM builds and grades.
vm_copy_tree() {
    mkdir -p "$1"
    (cd "$KIT_TREE" && git ls-files -z --cached --others --exclude-standard |
        xargs -0 -r sh -c 'for f; do [ -e "$f" ] || [ -L "$f" ] && printf "%s\0" "$f"; done' sh |
        tar --null -T - -cf -) | tar -xf - -C "$1"
}

# KVM only when it really runs a guest (on some machines /dev/kvm exists but KVM_RUN fails):
# boot the kernel with no disk under KVM and look for its first words on the console.
vm_accel() {
    local kernel=$1
    if [ -w /dev/kvm ] && timeout 20 qemu-system-x86_64 -accel kvm -nodefaults -display none \
        -no-reboot -m 256 -kernel "$kernel" -append 'console=ttyS0 panic=-1' -serial stdio \
        </dev/null 2>/dev/null | grep -qm1 'Linux version'; then
        echo kvm
    else
        echo tcg
    fi
}
