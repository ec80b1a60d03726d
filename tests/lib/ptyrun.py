#!/usr/bin/env python3
# tests/lib/ptyrun.py - run a command on a pseudo-terminal (stdin, stdout and stderr all on the
# pty's slave, 100 columns), as a user at a terminal would: ptyrun.py OUTFILE CMD [ARG...]
# Everything the command writes, escape sequences included, goes to OUTFILE as raw bytes; the
# exit status is the command's (128 + N after signal N). For the progress tests.
import fcntl, os, pty, struct, sys, termios

out, argv = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    try:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
data = bytearray()
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the slave
        break
    if not chunk:
        break
    data += chunk
_, status = os.waitpid(pid, 0)
with open(out, "wb") as f:
    f.write(data)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
