#!/usr/bin/env python3
"""terminal.py CMD [ARGS...] - run CMD as the foreground job of a terminal of its own, as a
person at a terminal runs it: a new pty is its controlling terminal (a session of its own) and
its stdin, stdout and stderr.  What CMD writes is copied to stdout; what arrives on our stdin
is typed into the terminal (an EOF types nothing, unlike script(1), which types an
end-of-file and then spins until its stdin closes).  Exits with CMD's status (128+N if killed
by signal N).  The terminal is 24 rows of 80 columns unless CMD changes it (stty)."""
import fcntl
import os
import select
import struct
import sys
import termios


def spawn(argv):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        if slave > 2:
            os.close(slave)
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    os.close(slave)
    return pid, master


def drain(master):
    """Copy what the terminal holds to stdout; False once no one has it open (EIO)."""
    while select.select([master], [], [], 0)[0]:
        try:
            data = os.read(master, 4096)
        except OSError:
            return False
        if not data:
            return False
        os.write(1, data)
    return True


def relay(pid, master):
    """Copy the terminal's output to stdout and stdin to the terminal until CMD exits (a
    process it left in the background may keep the terminal open); CMD's wait status."""
    inputs = [master, 0]
    while True:
        ready, _, _ = select.select(inputs, [], [], 0.1)
        if 0 in ready:
            data = os.read(0, 4096)
            if data:
                os.write(master, data)
            else:
                inputs.remove(0)
        if master in ready and not drain(master):
            return os.waitpid(pid, 0)[1]
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            drain(master)
            return status


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: terminal.py CMD [ARGS...]")
    pid, master = spawn(sys.argv[1:])
    status = relay(pid, master)
    sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
