#!/usr/bin/env bash
# shared-layers.sh - the image-layers question of docs/questions.md: two images whose
# Conductorfiles begin with the same steps, and a third built FROM the first.  Prints each
# image's layers (bottom first) with their sizes, `conductor images`, and what the layer cache
# really holds on disk.  Busybox base (offline), a throw-away state root; needs root and a
# built kit (make).
set -eu
kit=$(cd "$(dirname "$0")/../.." && pwd)
conductor=$kit/task3/conductor
work=$(mktemp -d)
export CONDUCTOR_ROOT=$work/state CONDUCTOR_CONFIG=/dev/null
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/web" "$work/api" "$work/extra"
echo 'echo web' >"$work/web/app.sh"
echo 'echo api' >"$work/api/app.sh"
for app in web api; do
    cat >"$work/$app/Conductorfile" <<'CF'
FROM busybox
RUN dd if=/dev/urandom of=/opt-runtime.bin bs=1M count=8 2>/dev/null
COPY app.sh /app.sh
CMD ["sh", "/app.sh"]
CF
done
printf 'FROM web\nRUN echo extra > /extra.txt\n' >"$work/extra/Conductorfile"
for image in web api extra; do
    echo "== conductor build $image"
    "$conductor" build "$image" "$work/$image/Conductorfile" | sed 's/^/  /'
done
echo
for image in web api extra; do
    echo "layers of $image (bottom first; id, bytes):"
    sed -n 's/^layer=/  /p' "$CONDUCTOR_ROOT/images/$image"
done
echo
"$conductor" images
echo
echo "the layer cache: $(find "$CONDUCTOR_ROOT/cache/layers" -mindepth 1 -maxdepth 1 | wc -l) layers," \
    "$(du -sk "$CONDUCTOR_ROOT/cache/layers" | cut -f1) KiB on disk"
