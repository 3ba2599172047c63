#!/usr/bin/env bash
# start.sh - how long does it take to start a container that runs /bin/true?
#
#   grader/bench/start.sh [RUNS]          (make bench; root; default 30 runs each)
#
# Side by side in one run, on the same busybox rootfs:
#   floor              unshare -fpmuin chroot ROOTFS /bin/true  (namespaces + chroot, nothing else)
#   scratch_container  task2's container: namespaces, cgroup, mounts, pivot_root, caps, seccomp
#   crun, runc         the OCI runtimes, from a bundle made with `runc spec` and adjusted to do
#                      about the same work (cgroup namespace, a cgroup below ours, the same
#                      seccomp deny list; runc's default masks and capabilities)
# Prints each median and its ratio to the floor and to scratch_container.
#
# crun refuses hybrid cgroups (v1 controllers plus an empty v2 mount), so the whole run happens
# in a private mount namespace with /sys/fs/cgroup/unified unmounted: the same view for all.
# Every cgroup made lands below the cgroup this script runs in and is removed by its runtime;
# runc's and crun's state lives in a temp dir removed at the end.
set -eu
RUNS=${1:-30}
KIT_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SC=$KIT_ROOT/task2/scratch_container
MKROOTFS=$KIT_ROOT/common/tools/kit-mkrootfs

if [ "$(id -u)" -ne 0 ]; then
    echo "start.sh: needs root (it starts containers)" >&2
    exit 2
fi
for f in "$SC" "$MKROOTFS"; do
    [ -x "$f" ] || { echo "start.sh: $f is not built: run make" >&2; exit 2; }
done

if [ -z "${KIT_BENCH_INSIDE:-}" ]; then
    export KIT_BENCH_INSIDE=1
    exec unshare --mount --propagation private -- "$0" "$@"
fi
# Hybrid host: hide the empty v2 mount (only in this mount namespace).
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
    umount /sys/fs/cgroup/unified
fi

WORK=$(mktemp -d /tmp/kit-bench.XXXXXX)
chmod 0755 "$WORK"
cleanup() {
    runc --root "$WORK/runc" delete -f kit-bench-runc >/dev/null 2>&1 || true
    crun --root "$WORK/crun" delete -f kit-bench-crun >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

ROOTFS=$WORK/bundle/rootfs
mkdir -p "$WORK/bundle"
"$MKROOTFS" busybox "$ROOTFS"
(cd "$WORK/bundle" && runc spec)
python3 - "$WORK/bundle/config.json" "$KIT_ROOT/task2/scratch_security.c" <<'EOF'
import json, re, sys
path = sys.argv[1]
c = json.load(open(path))
c["root"] = {"path": "rootfs", "readonly": False}
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["hostname"] = "bench"
lx = c["linux"]
lx["namespaces"].append({"type": "cgroup"})
# Relative: runc and crun put it below the cgroup they are started in.
lx["cgroupsPath"] = "kit-bench"
# The same deny list as scratch_container: read from its source at run time (the list is data
# the handout gives; how 2.13 builds its filter around it is the student's, and not here).
src = open(sys.argv[2]).read()
block = re.search(r"denied_syscalls\[\]\s*=\s*\{(.*?)\};", src, re.S).group(1)
denied = re.findall(r'"([a-z0-9_]+)"', block)
lx["seccomp"] = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64"],
    "syscalls": [{"names": denied, "action": "SCMP_ACT_ERRNO", "errnoRet": 1}],
}
json.dump(c, open(path, "w"), indent=1)
EOF

# Check each one works once before timing it.
B=$WORK/bundle
FLOOR="unshare -fpmuin chroot $ROOTFS /bin/true"
SCRATCH="$SC $ROOTFS /bin/true"
CRUN="crun --root $WORK/crun run --bundle $B kit-bench-crun"
RUNC="runc --root $WORK/runc run --bundle $B kit-bench-runc"
names=(floor scratch_container crun runc)
cmds=("$FLOOR" "$SCRATCH" "$CRUN" "$RUNC")
for i in "${!cmds[@]}"; do
    if ! ${cmds[$i]} </dev/null >"$WORK/try.log" 2>&1; then
        echo "start.sh: ${names[$i]} does not start a container here:" >&2
        head -5 "$WORK/try.log" >&2
        exit 1
    fi
done

if command -v hyperfine >/dev/null; then
    hyperfine -N --warmup 3 --runs "$RUNS" --style basic --export-json "$WORK/times.json" \
        -n floor "$FLOOR" -n scratch_container "$SCRATCH" -n crun "$CRUN" -n runc "$RUNC" \
        >"$WORK/hyperfine.log" 2>&1 || { cat "$WORK/hyperfine.log" >&2; exit 1; }
    python3 - "$WORK/times.json" <<'EOF'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
floor = res["floor"]["median"]
scratch = res["scratch_container"]["median"]
print(f"{'start /bin/true':<20}{'median ms':>10}{'min ms':>9}{'x floor':>9}{'x scratch':>11}")
for name in ["floor", "scratch_container", "crun", "runc"]:
    r = res[name]
    print(f"{name:<20}{r['median']*1000:>10.2f}{r['min']*1000:>9.2f}"
          f"{r['median']/floor:>9.2f}{r['median']/scratch:>11.2f}")
print(f"({len(res['floor']['times'])} runs each, hyperfine -N, medians)")
EOF
else
    echo "start.sh: hyperfine is missing (apt-get install hyperfine)" >&2
    exit 2
fi
