#!/usr/bin/env bash
# diff-and-export.sh - what `docker diff` and `docker export` show, measured with conductor's own
# layers (the experiments behind the diff and export-size questions of docs/questions.md).
# An image whose second step adds 20 MiB that its third deletes, a container that adds,
# changes and deletes files (and writes 5 MiB); then its diff, its upper dir, and the sizes of
# the image, of the container's own layer and of an export (a tar of the container's merged
# tree).  Busybox base (offline), a throw-away state root; needs root and a built kit (make).
set -eu
kit=$(cd "$(dirname "$0")/../.." && pwd)
conductor=$kit/task3/conductor
work=$(mktemp -d)
export CONDUCTOR_ROOT=$work/state CONDUCTOR_CONFIG=/dev/null
trap '"$conductor" stop c >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
mkdir -p "$work/ctx"
cat >"$work/ctx/Conductorfile" <<'CF'
FROM busybox
RUN mkdir -p /data && echo one > /data/one && echo two > /data/two
RUN dd if=/dev/urandom of=/big bs=1M count=20 2>/dev/null
RUN rm /big
CF
"$conductor" build demo "$work/ctx/Conductorfile" >/dev/null
"$conductor" run -d demo c -- sleep 600 >/dev/null
"$conductor" exec c -- sh -c 'echo hello > /hello.txt; echo "# edited" >> /etc/passwd
    rm /etc/group; rm -rf /data; mkdir /data; echo new > /data/new
    dd if=/dev/zero of=/var/blob bs=1M count=5 2>/dev/null'
echo "the container ran: echo hello > /hello.txt; echo ... >> /etc/passwd; rm /etc/group;"
echo "                   rm -rf /data; mkdir /data; echo new > /data/new; a 5 MiB /var/blob"
echo
echo "conductor diff c:"
"$conductor" diff c | sed 's/^/  /'
echo
upper=$CONDUCTOR_ROOT/containers/c/upper
echo "its upper dir (containers/c/upper):"
(cd "$upper" && find . -mindepth 1 | sort | while read -r f; do
    printf '  %-16s %s\n' "${f#./}" "$(stat -c '%A %s bytes' "$f" | sed 's/^c.* 0 bytes$/character device 0:0 (a whiteout)/')"
done)
printf '  data: trusted.overlay.opaque=%s\n' \
    "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "trusted.overlay.opaque").decode())' "$upper/data")"
echo
pid=$("$conductor" ps | awk '$1 == "c" { print $(NF - 2) }')
kib() { echo "$(( ($1 + 1023) / 1024 )) KiB"; }
echo "sizes:"
echo "  the image (conductor images):        $("$conductor" images | awk '$1 == "demo" { print $2 }')"
for id in $(sed -n 's/^layer=\([^ ]*\).*/\1/p' "$CONDUCTOR_ROOT/images/demo"); do
    echo "    layer $id:       $(du -sk "$CONDUCTOR_ROOT/cache/layers/$id" | cut -f1) KiB on disk"
done
echo "  the container's own layer (upper):   $(du -sk "$upper" | cut -f1) KiB on disk"
# What `docker export` writes: the merged view, one flat tree (the container's own mounts -
# proc, sys, dev, the bound /etc files - are other filesystems and stay out).
echo "  an export (tar of its merged tree):  $(kib "$(tar -C "/proc/$pid/root" --one-file-system -cf - . | wc -c)")"
echo "  the export without the 5 MiB blob:   $(kib "$(tar -C "/proc/$pid/root" --one-file-system --exclude=./var/blob -cf - . | wc -c)")"
