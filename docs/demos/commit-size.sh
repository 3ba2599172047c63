#!/usr/bin/env bash
# commit-size.sh - what adding a file and then deleting it does to an image, measured with
# conductor's own layers (the experiment behind the `docker commit` question in
# docs/questions.md).  Uses a busybox base (offline) and a throw-away state root.  Needs root
# and a built kit (make).
set -eu
kit=$(cd "$(dirname "$0")/../.." && pwd)
conductor=$kit/task3/conductor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CONDUCTOR_ROOT=$work/state
mkdir -p "$work/ctx"
cat >"$work/ctx/Conductorfile" <<'CF'
FROM busybox
RUN dd if=/dev/urandom of=/big bs=1M count=20 2>/dev/null
RUN rm /big
CF
"$conductor" build demo "$work/ctx/Conductorfile" >/dev/null
echo "image 'demo': FROM busybox; RUN dd ... of=/big (20 MiB); RUN rm /big"
"$conductor" images
echo
echo "its layers, bottom to top (disk use, and what each holds at its top level):"
for id in $(sed -n 's/^layer=\([^ ]*\).*/\1/p' "$CONDUCTOR_ROOT/images/demo"); do
    layer=$CONDUCTOR_ROOT/cache/layers/$id
    printf '  %s %6s  %s\n' "$id" "$(du -sh "$layer" | cut -f1)" "$(ls "$layer" | head -n 6 | tr '\n' ' ')"
done
echo
echo "the file that 'rm' left in the top layer:"
find "$CONDUCTOR_ROOT"/cache/layers -name big -exec ls -l {} \;
