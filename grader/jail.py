#!/usr/bin/env python3
"""jail.py - PID 1 of the jail a suite runs in: bats, its tests and the programs under test.

    unshare --pid --fork --kill-child --mount --propagation private \\
        jail.py --suite NAME --status FILE --var-tmp DIR [--keep DIR]... [--hide DIR]...
                [--cover DIR]... -- CMD...

grader/grade starts it in new PID and mount namespaces, already in the suite's cgroup.  The
scorer (grade, report.py, grade-all) stays outside: a process in a child PID namespace cannot
see, signal, trace or setns into anything of its parent's (pid_namespaces(7)).  Before CMD
runs, this process makes the jail's view of the machine:

  - a /proc of the jail's PID namespace, with every proc of the outer one detached (a proc
    mount shows the PID namespace of whoever mounted it, so the old one would show the grader);
  - each --hide DIR (the grader's seal and report tmpfs) detached: a tmpfs has no device to
    mount again, so nothing in the jail can reach it by any path;
  - the root filesystem read-only but for the --keep paths, /tmp, /var/tmp (--var-tmp) and
    /dev/shm private (writable_view): whatever the suite leaves on disk is in its own run;
  - each --cover DIR (the kit's real grader) under an empty read-only tmpfs.

Then it runs CMD, reaps every orphan, and when CMD ends writes FILE, which it opened before
the report was hidden: how CMD ended ("exit N" / "signal N"), every process still alive
("left PID CMDLINE"), those of them outside the grader's cgroup scope ("escaped PID
HIERARCHY:PATH CMDLINE"), the covers something took away ("uncovered DIR"), the root
filesystem made writable again ("writable POINT"), and the mounts
the suite left in the jail ("mount ..." lines in the leak check's format).  When it exits the kernel kills whatever is left in the jail.

Signals: the kernel drops every signal sent to a PID namespace's init from inside that has no
handler, SIGKILL and SIGSTOP included, so nothing in the jail can stop this process.
"""
import ctypes
import os
import signal
import sys

MNT_DETACH = 2
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND = 1, 2, 4, 8, 32, 4096
libc = ctypes.CDLL(None, use_errno=True)
PRIVATE_DIRS = ("/tmp", "/var/tmp")  # each its own in the jail (see writable_view)


def _b(text):
    return text.encode() if text is not None else None


def sys_mount(source, target, fstype, flags, data):
    if libc.mount(_b(source), _b(target), _b(fstype), flags, _b(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {fstype} on {target}: {os.strerror(err)}")


def sys_detach(target):
    if libc.umount2(target.encode(), MNT_DETACH) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"detach {target}: {os.strerror(err)}")


def mounts(full=False):
    """(mount id, mount point, fstype, source) of each mount of this mount namespace; with
    FULL also its device, the path of its root in that filesystem and its mount options."""
    rows = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            left, _, right = line.partition(" - ")
            fields, tail = left.split(), right.split()
            row = (fields[0], fields[4], tail[0], tail[1] if len(tail) > 1 else "")
            rows.append(row + (fields[2], fields[3], fields[5].split(",")) if full else row)
    return rows


def under(path, top):
    return path == top or path.startswith(top.rstrip("/") + "/")


def writable_view(keep, var_tmp):
    """Where a program in the jail may write, so that what it leaves is its own: the root
    filesystem read-only (a bind mount has read-only of its own: mount(2), MS_REMOUNT|MS_BIND),
    the KEEP paths (the tree graded, the run's results, the kit's cache) writable where they
    are, /tmp a small tmpfs of the jail's own (RAM, gone with it), /var/tmp the VAR_TMP dir of
    the run, /dev/shm a tmpfs of its own.  The kept paths are held by O_PATH descriptors
    across the covering of /tmp and bound back at their paths."""
    for p in keep + [var_tmp]:
        sys_mount(p, p, None, MS_BIND, None)
    # Opened on the binds just made, so they stay writable when bound again below.
    held = [(p, os.open(p, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)) for p in keep]
    spare = os.open(var_tmp, os.O_PATH | os.O_DIRECTORY | os.O_CLOEXEC)
    sys_mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY, None)
    sys_mount("kit-jail-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=512m,mode=1777")
    sys_mount(f"/proc/self/fd/{spare}", "/var/tmp", None, MS_BIND, None)
    sys_mount("kit-jail-shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=256m,mode=1777")
    for p, fd in held:
        if any(under(p, d) for d in PRIVATE_DIRS):
            os.makedirs(p, exist_ok=True)
            sys_mount(f"/proc/self/fd/{fd}", p, None, MS_BIND, None)
        os.close(fd)
    os.close(spare)


def made_writable():
    """Mount points where the root filesystem's top is mounted read-write again (a remount
    of /, a new mount of its device): the way round a read-only root.  Binds of a directory
    below the top are not looked at."""
    rows = mounts(full=True)
    root_dev = next(r[4] for r in rows if r[1] == "/")
    return [r[1] for r in rows if r[4] == root_dev and r[5] == "/" and "rw" in r[6]]


def own_proc():
    """Replace /proc by one of this PID namespace, and detach every other proc mount."""
    sys_detach("/proc")
    sys_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, None)
    mine = [m for m in mounts() if m[1] == "/proc" and m[2] == "proc"][-1][0]
    for mid, point, fstype, _ in reversed(mounts()):
        if fstype == "proc" and mid != mine:
            sys_detach(point)


def cgroup_lines(pid):
    try:
        with open(f"/proc/{pid}/cgroup") as f:
            return [line.rstrip("\n").split(":", 2) for line in f if line.count(":") >= 2]
    except OSError:
        return []


def scope_of(suite):
    """For each hierarchy where this process is in the suite's group: the scope above it."""
    return {h: os.path.dirname(path) for h, _, path in cgroup_lines("self")
            if os.path.basename(path) == suite}


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            text = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"
    return "".join(c if c.isprintable() else "?" for c in text)[:120] or "?"


def survivors(scope):
    """'left' and 'escaped' lines for every process of the jail but this one."""
    lines = []
    for name in sorted(filter(str.isdigit, os.listdir("/proc")), key=int):
        if name == "1":
            continue
        what = cmdline(name)
        lines.append(f"left {name} {what}")
        for h, _, path in cgroup_lines(name):
            top = scope.get(h)
            if top is not None and path != top and not path.startswith(top + "/"):
                lines.append(f"escaped {name} {h}:{path} {what}")
    return lines


def start(argv):
    pid = os.fork()
    if pid == 0:
        for sig in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    return pid


def wait_for(pid):
    """Reap every child (orphans come to PID 1) until PID ends; its end as a status line."""
    while True:
        try:
            done, status = os.wait()
        except ChildProcessError:
            return "exit 127"
        if done == pid:
            if os.WIFSIGNALED(status):
                return f"signal {os.WTERMSIG(status)}"
            return f"exit {os.WEXITSTATUS(status)}"


def parse(args):
    opts = {"--hide": [], "--cover": [], "--keep": [], "--suite": None, "--status": None,
            "--var-tmp": None}
    while args and args[0] != "--":
        key, value = args[0], args[1]
        if isinstance(opts.get(key), list):
            opts[key].append(value)
        elif key in opts:
            opts[key] = value
        else:
            sys.exit(f"jail.py: unknown option {key}")
        args = args[2:]
    if not args[1:] or not opts["--suite"] or not opts["--status"] or not opts["--var-tmp"]:
        sys.exit("usage: jail.py --suite NAME --status FILE --var-tmp DIR [--keep DIR] "
                 "[--hide DIR] [--cover DIR] -- CMD...")
    return opts, args[1:]


def main():
    opts, argv = parse(sys.argv[1:])
    if os.getpid() != 1:
        sys.exit("jail.py: must be PID 1 of a new PID namespace (unshare --pid --fork)")
    status = os.open(opts["--status"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    own_proc()
    for d in opts["--hide"]:  # first: /tmp is covered next, and what it held stays below
        sys_detach(d)
    writable_view(opts["--keep"], opts["--var-tmp"])
    for d in [d for d in opts["--cover"] if os.path.isdir(d)]:  # not there: nothing to hide
        sys_mount("kit-jail", d, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  "size=4k,mode=555")
    cover_ids = {m[0]: m[1] for m in mounts() if m[3] == "kit-jail"}
    scope = scope_of(opts["--suite"])
    before = {(m[1], m[2], m[3]) for m in mounts()}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    end = wait_for(start(argv))
    lines = [end] + survivors(scope)
    still = {m[0] for m in mounts()}
    lines += [f"uncovered {point}" for mid, point in cover_ids.items() if mid not in still]
    lines += [f"writable {point}" for point in made_writable()]
    lines += [f"mount {p} ({t} from {s})" for p, t, s in sorted({(m[1], m[2], m[3]) for m in mounts()} - before)]
    # Written whole at the end, from offset 0: whatever else wrote the file before is gone.
    os.ftruncate(status, 0)
    os.pwrite(status, ("\n".join(lines) + "\n").encode(), 0)
    os.close(status)


if __name__ == "__main__":
    main()
