"""The frames of the wsgidev child protocol and one call's state.

Wire writes whole frames to the parent and reads the parent's; Call holds one
request's state, shared by the thread running the app and the thread reading
frames: request body pulled as the app reads, flow-control credit, step gates,
cancellation, and the lines sys.stdin waits for. PROTOCOL.md beside this file
says what each frame means. Must run on CPython 3.8 through 3.13.
"""

import json
import os
import struct
import threading
from collections import deque

from _wsgidev_interrupt import interrupt
from _wsgidev_loader import clip
from _wsgidev_streams import READ_AHEAD

PROTOCOL = 1
HEADER = struct.Struct(">IBI")
U32 = struct.Struct(">I")

# Frame types (PROTOCOL.md).
(HELLO, READY, LOAD_ERROR, START, CHUNK, WRITE, READ, LOG, LINT, DONE, MODULES, EXCINFO, LIBS, INPUT, WAIT,
 RUN, LEFT, HINT, RESULT, LAYERS) = range(1, 21)
CALL, BODY, CREDIT, STEP, CANCEL, LINE, STOP, INTERRUPT = range(32, 40)

STEP_MODE, HAS_BODY, RECORD_LAYERS = 1, 2, 4
CHUNK_OVERHEAD = 256  # the flow-control cost of one frame beyond its bytes
MAX_CHUNK = 1 << 20  # larger bodies go out in pieces, each flow-controlled
MAX_LOG_CHARS = MAX_CHUNK // 4  # printed text goes out in pieces of at most this, 1 MiB once encoded
MAX_FRAME = 16 << 20  # the most one frame may carry (PROTOCOL.md)


class Cancelled(BaseException):
    """Raised inside the app's thread when the parent cancels its call.

    A BaseException so that an app's ``except Exception`` does not swallow it.
    """


class Wire(object):
    """The two protocol pipes. Writes are whole frames under one lock."""

    def __init__(self, rfd, wfd):
        self.rfile = os.fdopen(rfd, "rb", 1 << 16)
        self.wfd = wfd
        self.lock = threading.Lock()

    def write(self, data):
        with self.lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self.wfd, view):]

    def send(self, typ, cid, payload=b""):
        self.write(HEADER.pack(len(payload), typ, cid) + payload)

    def send_json(self, typ, cid, obj):
        self.send(typ, cid, json.dumps(obj).encode("utf-8"))

    def read_frame(self):
        hdr = self.rfile.read(HEADER.size)
        if len(hdr) < HEADER.size:
            return None
        n, typ, cid = HEADER.unpack(hdr)
        payload = self.rfile.read(n) if n else b""
        if len(payload) < n:
            return None
        return typ, cid, payload


_new_cond = threading.Lock()


class Call(object):
    """One request's state, shared by the thread running it and the frame reader.

    While the reader runs the call itself (``inline``, see _wsgidev_pool.py)
    the call may hold frames back to send them in one write; the standby that
    takes the reader's place flushes them, so ``out`` is guarded by a lock.
    """

    def __init__(self, wire, pool, cid, flags, window, fields):
        self.wire = wire
        self.pool = pool
        self.cid = cid
        self.step_mode = bool(flags & STEP_MODE)
        self.record_layers = bool(flags & RECORD_LAYERS)  # the parent wants this call's layers (_wsgidev_boundary.py)
        self.window = window
        self.fields = fields
        self.inline = False  # run by the reader itself; set by the pool
        self.cond = None  # made when first needed: most calls never wait
        self.out_lock = threading.Lock()
        self.out = []  # frames waiting for the next flush
        self.sent = 0  # flow-control cost sent
        self.credit = 0  # flow-control cost the parent has written out
        self.steps = 0
        self.cancelled = False
        self.body = deque()
        self.body_eof = not (flags & HAS_BODY)
        self.reading = False
        self.lines = deque()  # sys.stdin lines the parent sent
        self.status = None
        self.length = None  # the Content-Length the app declared
        self.body_size = 0  # body bytes so far
        self.headers_sent = False
        self.violation = None
        self.finished = False
        self.wrappers = None  # wsgi.file_wrapper objects the app made, to see they get closed
        self.waited = False  # it waited in the pool's backlog for a thread
        self.input = None  # the call's wsgi.input (make_environ)
        self.partial = None  # stream code → the line printed so far, not ended yet (log)
        self.thread = None  # the ident of the thread running the app (run_call)
        self.stop_interrupt = None  # cancels an INTERRUPT that has not taken effect yet
        self.asking = False  # waits for a line of sys.stdin: pdb's prompt is up already

    def condition(self):
        cond = self.cond
        if cond is None:
            with _new_cond:
                cond = self.cond
                if cond is None:
                    cond = self.cond = threading.Condition(threading.Lock())
        return cond

    # -- called from the frame reader ------------------------------------
    def on_frame(self, typ, payload):
        cond = self.condition()
        with cond:
            if typ == BODY:
                if payload:
                    self.body.append(payload)
                else:
                    self.body_eof = True
                self.reading = False
            elif typ == CREDIT:
                self.credit += U32.unpack(payload)[0]
            elif typ == STEP:
                self.steps += 1
            elif typ == CANCEL:
                self.cancelled = True
            elif typ == LINE:
                self.lines.append(payload)
            elif typ == INTERRUPT:
                self.interrupt()
            cond.notify_all()

    def interrupt(self):
        """Ctrl-C in the pdb console: stop the app where it runs
        (_wsgidev_interrupt.py). Once is enough until the call ends."""
        if self.thread is None or self.finished or self.asking or self.stop_interrupt is not None:
            return
        self.stop_interrupt = interrupt(self.thread)
        if self.finished:  # it ended meanwhile: end_interrupt may have missed it
            self.stop_interrupt()

    def end_interrupt(self):
        """At the end of the app's part: an interrupt still pending must not
        reach the runner, nor a later call on this thread. Sets finished
        first, so that interrupt() either sees it or is seen here."""
        self.finished = True
        stop = self.stop_interrupt
        if stop is not None:
            stop()

    def wait_thread(self, waiting):
        """Every thread is busy: this call waits, one of ``waiting``."""
        self.waited = True
        self.wire.send(WAIT, self.cid, U32.pack(waiting))

    # -- called from the thread running the call -------------------------
    def got_thread(self):
        self.wire.send(RUN, self.cid)

    def queue(self, typ, payload=b""):
        with self.out_lock:
            self.out.append(HEADER.pack(len(payload), typ, self.cid))
            self.out.append(payload)

    def flush(self):
        with self.out_lock:
            if self.out:
                data = b"".join(self.out)
                self.out = []
                self.wire.write(data)

    def flush_chunk(self):
        """After a chunk of a streamed body: send it at once, unless it completes
        the declared Content-Length while the call runs inline. Then only close()
        and DONE can follow, and START, CHUNK and DONE go out in one write;
        should the app dawdle, the standby flushes it within SLOW (2 ms)."""
        if not (self.length is not None and self.body_size >= self.length and self.inline):
            self.flush()

    def vacate(self):
        """Before waiting for the parent: someone else must read its frames."""
        if self.inline:
            self.pool.vacate(self)

    def check(self):
        if self.cancelled:
            raise Cancelled()

    def wait_step(self):
        self.end_lines()
        self.flush()
        self.vacate()
        cond = self.condition()
        with cond:
            while not self.steps and not self.cancelled:
                cond.wait()
            self.check()
            self.steps -= 1

    def ask_line(self):
        """sys.stdin.readline() during this call: say so and wait for the line."""
        self.end_lines()  # pdb's "(Pdb) " prompt
        self.queue(INPUT)
        self.flush()
        self.vacate()
        cond = self.condition()
        with cond:
            self.asking = True
            while not self.lines and not self.cancelled:
                cond.wait()
            self.asking = False
            self.check()
            line = self.lines.popleft()
        if line:  # the transcript shows what was typed, where it was read
            self.send_log(b"i", line.decode("utf-8", "replace"))
        return line

    def emit_body(self, typ, data):
        """Queue body bytes, honouring the flow-control window and step gates."""
        self.check()
        self.headers_sent = True
        self.body_size += len(data)
        for i in range(0, len(data), MAX_CHUNK):
            piece = data[i:i + MAX_CHUNK] if len(data) > MAX_CHUNK else data
            if self.sent - self.credit >= self.window:
                self.flush()
                self.vacate()
                cond = self.condition()
                with cond:
                    while self.sent - self.credit >= self.window and not self.cancelled:
                        cond.wait()
                    self.check()
            self.queue(typ, piece)
            self.sent += len(piece) + CHUNK_OVERHEAD
            if self.step_mode:
                self.wait_step()

    def log(self, stream, text):
        """Text printed while the call ran. print() writes its arguments, the
        spaces between them and the newline separately; the writes of a line
        are joined and the line goes out at its newline, so one print is one
        entry wherever the parent shows it. A line still open goes out at the
        end of the call, when the call waits for the parent, and once it is
        MAX_LOG_CHARS long: output of any size passes, in pieces that each
        fit a frame."""
        with self.out_lock:
            if self.partial is None:
                self.partial = {}
            text = self.partial.pop(stream, "") + text
            end = text.rfind("\n") + 1
            if end < len(text) and len(text) - end < MAX_LOG_CHARS:
                self.partial[stream] = text[end:]
                text = text[:end]
        self.send_log(stream, text)

    def send_log(self, stream, text):
        for i in range(0, len(text), MAX_LOG_CHARS):
            self.queue(LOG, stream + text[i:i + MAX_LOG_CHARS].encode("utf-8", "replace"))
            self.flush()

    def end_lines(self, stream=None):
        """Send the lines still open (a prompt, a print with end=""), of one
        stream or of all: the app flushed it, or the call ends or waits for
        the parent, and what it printed must show."""
        if not self.partial:  # nearly every call: no lock
            return
        with self.out_lock:
            if stream is None:
                open_lines, self.partial = self.partial, {}
            else:
                open_lines = {stream: self.partial.pop(stream, "")}
        for code, text in open_lines.items():
            if text:
                self.send_log(code, text)

    def lint(self, rule, message):
        self.queue(LINT, json.dumps({"rule": rule, "message": clip(message)}).encode("utf-8"))

    def lint_all(self, warnings):
        for warning in warnings:
            if warning is not None:
                self.lint(*warning)

    def input_left(self):
        """Request-body bytes fetched for wsgi.input (it reads ahead) that the
        app never read: the parent counts them as unread."""
        buffered = self.input.buffered() if self.input is not None else 0
        if not buffered and not self.body:  # nearly every call: no lock, no condition made
            return 0
        with self.condition():
            return buffered + sum(len(data) for data in self.body)

    def read_body(self, limit):
        """Return up to limit bytes of request body (b"" at the end), pulling from the parent."""
        if not self.body and not self.body_eof:
            self.vacate()
        cond = self.condition()
        with cond:
            while not self.body and not self.body_eof and not self.cancelled:
                if not self.reading:
                    self.reading = True
                    self.flush()
                    self.wire.send(READ, self.cid, U32.pack(max(limit, READ_AHEAD)))
                cond.wait()
            self.check()
            if not self.body:
                return b""
            data = self.body.popleft()
            if len(data) > limit:
                self.body.appendleft(data[limit:])
                data = data[:limit]
            return data
