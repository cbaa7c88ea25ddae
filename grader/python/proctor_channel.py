"""Line I/O on raw pipe fds for the Proctor runners (call_runner.py, unit_runner.py).

Raw fds and our own buffer rather than sys.stdin/sys.stdout: those objects belong to
whatever code shares the process (a submission can replace or wrap them), and we need a
hard cap on line length and an optional read deadline so a hostile peer cannot make a
trusted runner allocate without bound or wait forever.
"""

import os
import select
import time

MAX_LINE = 4 * 1024 * 1024  # = proctor_wire.MAX_MESSAGE


class ChannelClosed(Exception):
    """The peer closed the pipe, sent an over-long or truncated line, or timed out."""


class LineReader:
    def __init__(self, fd, limit=MAX_LINE):
        self.fd = fd
        self.limit = limit
        self.buf = bytearray()

    def readline(self, timeout=None):
        """Next line without its newline; None on a clean end of stream."""
        deadline = None if timeout is None else time.monotonic() + timeout
        scanned = 0
        while True:
            end = self.buf.find(b"\n", scanned)
            if end >= 0:
                line = bytes(self.buf[:end])
                del self.buf[:end + 1]
                return line
            if len(self.buf) > self.limit:
                raise ChannelClosed("line longer than %d bytes" % self.limit)
            scanned = len(self.buf)
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    raise ChannelClosed("no answer within %g s" % timeout)
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError as exc:
                raise ChannelClosed("read failed: %s" % exc.strerror) from None
            if not chunk:
                if self.buf:
                    raise ChannelClosed("stream ended inside a line")
                return None
            self.buf += chunk


def write_line(fd, text):
    """Write text + newline completely (os.write may write only part)."""
    data = memoryview(text.encode("utf-8") + b"\n")
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError as exc:  # BrokenPipeError: the peer is gone (SIGPIPE is ignored by Python)
        raise ChannelClosed("write failed: %s" % exc.strerror) from None


def take_private_fds(*fds):
    """Move fds to fresh non-inheritable numbers and free the well-known ones.

    Then point fd 0 at an empty pipe (a submission calling input() gets EOF instead of
    eating requests) and fd 1 at fd 2 (its print() output lands on stderr, never on a
    result channel)."""
    private = [os.dup(fd) for fd in fds]  # os.dup makes them close-on-exec
    for fd in set(fds):
        if fd > 2:
            os.close(fd)
    r, w = os.pipe()
    os.close(w)
    os.dup2(r, 0)
    os.close(r)
    try:
        os.dup2(2, 1)
    except OSError:  # no stderr given: discard instead
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)
    return private
