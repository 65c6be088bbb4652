"""The objects a WSGI app reads and writes besides its return value:
wsgi.input, wsgi.errors, wsgi.file_wrapper, the stand-ins for
sys.stdout/sys.stderr that send what a request prints along with it, and
sys.stdin, which asks the parent for each line (pdb reads its commands there).

Each talks to its call through the runner's Call: read_body(limit),
log(stream, text) and end_lines(stream), and the thread-local ``current.call``.
"""

import threading

READ_AHEAD = 64 << 10

# The call the current worker thread is running, for RequestStream.
current = threading.local()


class Lines(object):
    """readlines and iteration for a stream that has readline."""

    def readlines(self, hint=-1):
        lines, total = [], 0
        for line in self:
            lines.append(line)
            total += len(line)
            if 0 < hint <= total:
                break
        return lines

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line


class Input(Lines):
    """wsgi.input: read, read(n), readline, readlines and iteration; b"" at the end."""

    def __init__(self, call):
        self._call = call
        self._buf = b""

    def read(self, size=-1):
        if size is None or size < 0:
            parts = [self._buf]
            self._buf = b""
            while True:
                data = self._call.read_body(1 << 18)
                if not data:
                    return b"".join(parts)
                parts.append(data)
        while len(self._buf) < size:
            data = self._call.read_body(size - len(self._buf))
            if not data:
                break
            self._buf += data
        data, self._buf = self._buf[:size], self._buf[size:]
        return data

    def readline(self, size=-1):
        while True:
            end = self._buf.find(b"\n") + 1
            if end or (0 <= size <= len(self._buf)):
                break
            data = self._call.read_body(READ_AHEAD)
            if not data:
                break
            self._buf += data
        if not end:
            end = len(self._buf)
        if size is not None and 0 <= size < end:
            end = size
        line, self._buf = self._buf[:end], self._buf[end:]
        return line

    def buffered(self):
        """Bytes read ahead and not yet given to the app."""
        return len(self._buf)

    def close(self):
        self._call.lint("input-close", "the app called wsgi.input.close(); the server owns the request "
                        "stream, and wsgiref.validate forbids closing it (just stop reading)")


class Errors(object):
    """wsgi.errors: text the app writes here is shown with its request."""

    def __init__(self, call):
        self._call = call

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("wsgi.errors.write() takes str, not %s" % type(s).__name__)
        self._call.log(b"e", s)

    def writelines(self, seq):
        for s in seq:
            self.write(s)

    def flush(self):
        self._call.end_lines(b"e")

    def close(self):
        self._call.lint("errors-close", "the app called wsgi.errors.close(); the server owns the error "
                        "stream, and wsgiref.validate forbids closing it")


class FileWrapper(object):
    """wsgi.file_wrapper: iterate a file-like object in blocks, close it after."""

    def __init__(self, filelike, blksize=65536):
        self.filelike = filelike
        self.blksize = blksize
        self.closed = False
        call = getattr(current, "call", None)
        if call is not None:  # so the runner can tell when close() never arrived
            if call.wrappers is None:
                call.wrappers = []
            call.wrappers.append(self)

    def close(self):
        self.closed = True
        if hasattr(self.filelike, "close"):
            self.filelike.close()

    def __iter__(self):
        return self

    def __next__(self):
        data = self.filelike.read(self.blksize)
        if data:
            return data
        raise StopIteration


class RequestStream(object):
    """Stands in for sys.stdout/sys.stderr: text printed during a request travels
    with that request; anything else goes to the real stream."""

    def __init__(self, real, code):
        self._real = real
        self._code = code

    def write(self, s):
        call = getattr(current, "call", None)
        if call is None:
            return self._real.write(s)
        call.log(self._code, s)
        return len(s)

    def flush(self):
        call = getattr(current, "call", None)
        if call is not None:
            call.end_lines(self._code)
        self._real.flush()

    def __getattr__(self, name):
        return getattr(self._real, name)


class Stdin(Lines):
    """Stands in for sys.stdin: each line is asked of the parent (the inspector
    or wsgidev's own terminal), so ``breakpoint()``, pdb and ``input()`` work
    in the app although the child has no terminal. ``ask()`` returns the
    line's bytes, b"" at the end of input."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, ask):
        self._ask = ask

    def readline(self, size=-1):
        return self._ask().decode("utf-8", "replace")

    def read(self, size=-1):
        return self.readline()

    def isatty(self):
        return False

    def readable(self):
        return True

    def close(self):
        pass

    @property
    def closed(self):
        return False
