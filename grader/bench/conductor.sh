#!/usr/bin/env bash
# conductor.sh - what conductor's design buys: cheap starts, cheap containers, cheap rebuilds.
#
#   grader/bench/conductor.sh [RUNS]       (make bench; root; default 20 runs each)
#
#   1. start /bin/true: `conductor run` on a busybox image vs crun on the same rootfs (the image's
#      base layer; an OCI bundle from `crun spec`), medians and ratio.      target: <= 1.5x crun
#   2. 20 containers of one debian:bookworm image: disk and time with the overlay (conductor
#      run -d) vs copying the rootfs for each (cp -a).                    target: < 1 MiB added
#   3. rebuilding an unchanged Conductorfile (COPY + RUN steps, all cache hits).  target: < 0.5 s
#
# Everything lives in a temp state root removed at the end; the debootstrap base is cached in
# $KIT_CACHE (default /var/cache/kit).  crun refuses hybrid cgroups (v1 controllers plus an
# empty v2 mount), so the whole run happens in a private mount namespace with
# /sys/fs/cgroup/unified unmounted: the same view for both.
set -eu
RUNS=${1:-20}
KIT_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COND=$KIT_ROOT/task3/conductor
: "${KIT_CACHE:=/var/cache/kit}"

if [ "$(id -u)" -ne 0 ]; then
    echo "conductor.sh: needs root (it starts containers)" >&2
    exit 2
fi
[ -x "$COND" ] || { echo "conductor.sh: $COND is not built: run make" >&2; exit 2; }
for tool in hyperfine crun; do
    command -v $tool >/dev/null || { echo "conductor.sh: $tool is missing" >&2; exit 2; }
done
if [ -z "${KIT_BENCH_INSIDE:-}" ]; then
    export KIT_BENCH_INSIDE=1
    exec unshare --mount --propagation private --uts -- "$0" "$@"
fi
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
    umount /sys/fs/cgroup/unified
fi

WORK=$(mktemp -d /tmp/kit-bench-conductor.XXXXXX)
chmod 0755 "$WORK"
export CONDUCTOR_ROOT=$WORK/root CONDUCTOR_CONFIG=/dev/null
export CONDUCTOR_BASES=$KIT_CACHE/conductor/bases
cleanup() {
    local c
    for c in "$CONDUCTOR_ROOT"/containers/*/; do
        [ -d "$c" ] && "$COND" stop "$(basename "$c")" >/dev/null 2>&1
    done
    crun --root "$WORK/crun" delete -f kit-bench-crun >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
now() { date +%s.%N; }

# ---- 1. start /bin/true ----
mkdir -p "$WORK/ctx"
printf 'FROM busybox\n' >"$WORK/ctx/Conductorfile"
"$COND" build bb "$WORK/ctx/Conductorfile" >/dev/null
base=$(sed -n 's/^layer=\([0-9a-f]*\) .*/\1/p' "$CONDUCTOR_ROOT/images/bb" | head -n 1)
mkdir -p "$WORK/bundle"
ln -s "$CONDUCTOR_ROOT/cache/layers/$base" "$WORK/bundle/rootfs"
(cd "$WORK/bundle" && crun spec)
python3 - "$WORK/bundle/config.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["root"]["readonly"] = True
c["linux"]["cgroupsPath"] = "kit-bench-crun"  # below our own cgroup, as conductor's
json.dump(c, open(sys.argv[1], "w"), indent=1)
EOF
CRUN="crun --root $WORK/crun run --bundle $WORK/bundle kit-bench-crun"
RUN="$COND run bb bench -- /bin/true"
RM="$COND rm bench"
$CRUN </dev/null >/dev/null || { echo "conductor.sh: crun does not start here" >&2; exit 1; }
$RUN </dev/null >/dev/null && $RM >/dev/null || { echo "conductor.sh: conductor run fails" >&2; exit 1; }
# Alternate the two (crun, conductor, crun, ...) so that a load change on the machine hits both
# alike; `conductor rm` between runs is not timed.
python3 - "$RUNS" "$CRUN" "$RUN" "$RM" <<'EOF'
import statistics, subprocess, sys, time
runs, crun, run, rm = int(sys.argv[1]), sys.argv[2].split(), sys.argv[3].split(), sys.argv[4].split()
quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def timed(cmd):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, **quiet)
    return time.perf_counter() - t
times = {"crun": [], "conductor": []}
for i in range(runs + 3):
    a = timed(crun)
    b = timed(run)
    subprocess.run(rm, **quiet)
    if i >= 3:  # warm-up
        times["crun"].append(a)
        times["conductor"].append(b)
c, d = statistics.median(times["crun"]), statistics.median(times["conductor"])
print(f"1. start /bin/true ({runs} runs each, alternating, medians)")
print(f"   crun           {c*1000:8.2f} ms")
print(f"   conductor run  {d*1000:8.2f} ms   = {d/c:.2f} x crun   (target <= 1.5)")
EOF

# ---- 2. twenty containers of one debian image ----
printf 'FROM debian:bookworm\nRUN echo bench > /etc/bench\n' >"$WORK/ctx/Conductorfile"
"$COND" build deb "$WORK/ctx/Conductorfile" >/dev/null
kib() { du -sx --block-size=1K "$1" | cut -f1; }
before=$(kib "$CONDUCTOR_ROOT")
t0=$(now)
for i in $(seq 1 20); do "$COND" run -d deb "bench$i" -- sleep 1000 >/dev/null; done
t1=$(now)
after=$(kib "$CONDUCTOR_ROOT")
running=$("$COND" ps | grep -c ' running ')
base_dir=$(readlink -f "$CONDUCTOR_ROOT/cache/layers/$(sed -n 's/^layer=\([0-9a-f]*\) .*/\1/p' \
    "$CONDUCTOR_ROOT/images/deb" | head -n 1)")
mkdir -p "$WORK/copies"
t2=$(now)
for i in $(seq 1 20); do cp -a "$base_dir" "$WORK/copies/c$i"; done
t3=$(now)
copies=$(kib "$WORK/copies")
for i in $(seq 1 20); do "$COND" stop "bench$i" >/dev/null; done
rm -rf "$WORK/copies"
awk -v a="$after" -v b="$before" -v c="$copies" -v r="$running" \
    -v to="$(awk -v x="$t0" -v y="$t1" 'BEGIN{print y-x}')" \
    -v tc="$(awk -v x="$t2" -v y="$t3" 'BEGIN{print y-x}')" 'BEGIN {
    print "2. 20 containers of debian:bookworm (" r " running)"
    printf "   overlay (conductor run -d)  %8.2f MiB added  %6.2f s   (target < 1 MiB)\n", (a - b) / 1024, to
    printf "   copy of the rootfs (cp -a)  %8.2f MiB added  %6.2f s\n", c / 1024, tc
}'

# ---- 3. rebuild an unchanged Conductorfile ----
mkdir -p "$WORK/ctx/site"
for i in $(seq 1 50); do head -c 20000 /dev/urandom >"$WORK/ctx/site/file$i"; done
printf '%s\n' "FROM debian:bookworm" "COPY site /srv/site" "RUN echo one > /one" \
    "ENV MODE=bench" "RUN echo two > /two" "COPY Conductorfile /srv/" >"$WORK/ctx/Conductorfile"
"$COND" build site "$WORK/ctx/Conductorfile" >/dev/null
layers=$(ls "$CONDUCTOR_ROOT/cache/layers" | wc -l)
hyperfine -N --warmup 2 --runs "$RUNS" --style basic --export-json "$WORK/rebuild.json" \
    -n rebuild "$COND build site $WORK/ctx/Conductorfile" >"$WORK/hf.log" 2>&1 ||
    { cat "$WORK/hf.log" >&2; exit 1; }
[ "$(ls "$CONDUCTOR_ROOT/cache/layers" | wc -l)" = "$layers" ] || echo "   (a rebuild made new layers!)"
python3 - "$WORK/rebuild.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("3. rebuild of an unchanged Conductorfile (debian base, 2 COPY incl. 1 MB, 2 RUN)")
print(f"   median {r['median']*1000:8.2f} ms   (target < 500 ms)")
EOF
