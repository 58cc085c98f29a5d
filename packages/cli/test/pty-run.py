#!/usr/bin/env python3
"""Runs a command on a real pseudo-terminal (80x24) and relays it: what this script reads on stdin is typed
into the terminal, what the command writes to the terminal comes out on stdout. Exits with the command's
status (128 + signal number if a signal ended it). Used by the CLI's terminal tests: Python's pty module is
part of the standard library, so no native Node module has to be built."""

import fcntl
import os
import pty
import select
import struct
import sys
import termios

if len(sys.argv) < 2:
    sys.stderr.write("usage: pty-run.py COMMAND [ARGS...]\n")
    sys.exit(2)

pid, master = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])

fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
stdin_open = True
while True:
    readable = [master] + ([0] if stdin_open else [])
    ready, _, _ = select.select(readable, [], [])
    if 0 in ready:
        data = os.read(0, 4096)
        if data:
            os.write(master, data)
        else:
            stdin_open = False
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b""
        if not data:
            break
        os.write(1, data)

_, status = os.waitpid(pid, 0)
if os.WIFSIGNALED(status):
    sys.exit(128 + os.WTERMSIG(status))
sys.exit(os.WEXITSTATUS(status))
