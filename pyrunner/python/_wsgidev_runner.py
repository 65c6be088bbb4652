"""wsgidev's child runner: imports the WSGI app and runs calls for the Go parent.

The parent starts this module with a tiny bootstrap (see child.go) that checks
the Python version first. Frames arrive on fd 3 and leave on fd 4, as
PROTOCOL.md beside this file describes; stdout and stderr stay the app's own.
Reads like wsgiref's handlers.py: one Call object per request, a flat environ,
start_response and write() as closures over the call.

Must run unchanged on CPython 3.8 through 3.13: no match statements, no
``X | Y`` types, nothing newer than 3.8.
"""

import json
import os
import struct
import sys
import threading
from collections import deque

from _wsgidev_loader import LoadFailure, format_exception, load_app, new_module_files
from _wsgidev_streams import READ_AHEAD, Errors, FileWrapper, Input, RequestStream, current

PROTOCOL = 1
HEADER = struct.Struct(">IBI")
U32 = struct.Struct(">I")

# Frame types (PROTOCOL.md).
HELLO, READY, LOAD_ERROR, START, CHUNK, WRITE, READ, LOG, LINT, DONE, MODULES, EXCINFO = range(1, 13)
CALL, BODY, CREDIT, STEP, CANCEL = range(32, 37)

STEP_MODE, HAS_BODY = 1, 2
CHUNK_OVERHEAD = 256  # the flow-control cost of one frame beyond its bytes
MAX_CHUNK = 1 << 20  # larger bodies go out in pieces, each flow-controlled

HOP_BY_HOP = frozenset((
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "te", "trailers", "transfer-encoding", "upgrade",
))

class Cancelled(BaseException):
    """Raised inside the app's thread when the parent cancels its call.

    A BaseException so that an app's ``except Exception`` does not swallow it.
    """


class Violation(Exception):
    """The app broke a PEP 3333 rule: ``rule`` names it, the message teaches it."""

    def __init__(self, rule, message):
        Exception.__init__(self, message)
        self.rule = rule


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


class Call(object):
    """One request's state, shared by its worker thread and the frame reader."""

    def __init__(self, wire, cid, flags, window, fields):
        self.wire = wire
        self.cid = cid
        self.step_mode = bool(flags & STEP_MODE)
        self.window = window
        self.fields = fields
        self.cond = threading.Condition(threading.Lock())
        self.out = []  # frames waiting for the next flush
        self.sent = 0  # flow-control cost sent
        self.credit = 0  # flow-control cost the parent has written out
        self.steps = 0
        self.cancelled = False
        self.body = deque()
        self.body_eof = not (flags & HAS_BODY)
        self.reading = False
        self.status = None
        self.headers_sent = False
        self.violation = None
        self.finished = False

    # -- called from the frame reader ------------------------------------
    def on_frame(self, typ, payload):
        with self.cond:
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
            self.cond.notify_all()

    # -- called from the worker thread -----------------------------------
    def queue(self, typ, payload=b""):
        self.out.append(HEADER.pack(len(payload), typ, self.cid))
        self.out.append(payload)

    def flush(self):
        if self.out:
            data = b"".join(self.out)
            self.out = []
            self.wire.write(data)

    def check(self):
        if self.cancelled:
            raise Cancelled()

    def wait_step(self):
        self.flush()
        with self.cond:
            while not self.steps and not self.cancelled:
                self.cond.wait()
            self.check()
            self.steps -= 1

    def emit_body(self, typ, data):
        """Queue body bytes, honouring the flow-control window and step gates."""
        self.check()
        self.headers_sent = True
        for i in range(0, len(data), MAX_CHUNK):
            piece = data[i:i + MAX_CHUNK] if len(data) > MAX_CHUNK else data
            if self.sent - self.credit >= self.window:
                self.flush()
                with self.cond:
                    while self.sent - self.credit >= self.window and not self.cancelled:
                        self.cond.wait()
                    self.check()
            self.queue(typ, piece)
            self.sent += len(piece) + CHUNK_OVERHEAD
            if self.step_mode:
                self.wait_step()

    def log(self, stream, text):
        if text:
            self.queue(LOG, stream + text.encode("utf-8", "replace"))
            self.flush()

    def lint(self, rule, message):
        self.queue(LINT, json.dumps({"rule": rule, "message": message}).encode("utf-8"))

    def read_body(self, limit):
        """Return up to limit bytes of request body (b"" at the end), pulling from the parent."""
        with self.cond:
            while not self.body and not self.body_eof and not self.cancelled:
                if not self.reading:
                    self.reading = True
                    self.flush()
                    self.wire.send(READ, self.cid, U32.pack(max(limit, READ_AHEAD)))
                self.cond.wait()
            self.check()
            if not self.body:
                return b""
            data = self.body.popleft()
            if len(data) > limit:
                self.body.appendleft(data[limit:])
                data = data[:limit]
            return data


# -- one WSGI call ---------------------------------------------------------

def check_status(status):
    if not isinstance(status, str):
        raise Violation("status-type", "start_response() got a status of type %s; PEP 3333 "
                        "requires a str such as '200 OK'" % type(status).__name__)
    if len(status) < 4 or not status[:3].isdigit() or status[3] != " " or int(status[:3]) < 100:
        raise Violation("status-format", "start_response() got the status %r; PEP 3333 requires "
                        "a three-digit code, a space and a reason phrase, such as '200 OK'" % (status,))


def check_headers(headers):
    if type(headers) is not list:
        raise Violation("headers-type", "start_response() got headers of type %s; PEP 3333 requires "
                        "a list of (name, value) tuples" % type(headers).__name__)
    fields = []
    for item in headers:
        if type(item) is not tuple or len(item) != 2:
            raise Violation("header-item", "start_response() got the header %r; each header must be "
                            "a (name, value) tuple" % (item,))
        name, value = item
        if not isinstance(name, str) or not isinstance(value, str):
            raise Violation("header-str", "start_response() got the header %r; PEP 3333 requires "
                            "names and values of type str, not bytes or other types" % (item,))
        try:
            name.encode("latin-1")
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise Violation("header-latin1", "the header %r has characters outside latin-1; "
                            "PEP 3333 headers must be latin-1 str (encode other text, e.g. RFC 2047 "
                            "or percent-encoding)" % (item,))
        if not name or any(c in name for c in ":\r\n\0 \t"):
            raise Violation("header-name", "the header name %r is not a valid HTTP token" % (name,))
        if any(c in value for c in "\r\n\0"):
            raise Violation("header-value", "the value of header %r contains a line break or NUL, "
                            "which HTTP forbids" % (name,))
        if name.lower() in HOP_BY_HOP:
            raise Violation("hop-by-hop", "the app set the hop-by-hop header %r; PEP 3333 reserves "
                            "those for the server (remove it)" % (name,))
        fields.append(name)
        fields.append(value)
    return fields


def run_call(app, call):
    environ = make_environ(call)
    current.call = call

    def write(data):
        if call.finished:
            raise Violation("write-before-start", "the app called a write() that start_response() returned "
                            "for an earlier request; PEP 3333 requires start_response() for this request "
                            "first, and its own write()")
        if call.status is None:
            call.violation = Violation("write-before-start", "the app called write() before "
                                       "start_response(); PEP 3333 requires start_response first")
            raise call.violation
        if type(data) is not bytes:
            call.violation = Violation("write-type", "write() got %s; it takes bytes" % type(data).__name__)
            raise call.violation
        if data:
            call.emit_body(WRITE, data)

    def start_response(status, headers, exc_info=None):
        call.check()
        if exc_info:
            try:
                if call.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
                call.queue(EXCINFO, format_exception(exc_info[1]).encode("utf-8"))
            finally:
                exc_info = None
        elif call.status is not None:
            call.violation = Violation("start-response-twice", "the app called start_response() a second "
                                       "time without exc_info; PEP 3333 allows a second call only with "
                                       "exc_info, while handling an error")
            raise call.violation
        try:
            check_status(status)
            fields = check_headers(headers)
        except Violation as v:
            call.violation = v
            raise
        call.status = status
        call.queue(START, "\0".join([status] + fields).encode("latin-1"))
        if call.step_mode:
            call.wait_step()
        return write

    result = None
    error = None
    try:
        result = app(environ, start_response)
        if isinstance(result, (str, bytes)):
            raise Violation("body-" + type(result).__name__, "the app returned a %s as its body; PEP 3333 "
                            "requires an iterable of bytes, e.g. [body] instead of body"
                            % type(result).__name__)
        if type(result) in (list, tuple):
            for data in result:
                send_item(call, data)
        else:
            call.flush()
            for data in result:
                send_item(call, data)
                call.flush()
        if call.status is None:
            raise Violation("start-response-missing", "the app returned without calling "
                            "start_response(); PEP 3333 requires it before the first body bytes")
    except Cancelled:
        error = {"kind": "cancelled", "message": "the client went away; the call was stopped"}
    except BaseException as e:
        error = describe_failure(call, e)
    finally:
        current.call = None
        call.finished = True
    if result is not None and hasattr(result, "close"):
        try:
            result.close()
        except BaseException as e:
            error = error or describe_failure(call, e)
            error["message"] = "close() raised: " + error["message"]
    if error is not None:
        error["after_body"] = call.headers_sent
        call.queue(DONE, json.dumps(error).encode("utf-8"))
    else:
        call.queue(DONE)
    call.flush()


def send_item(call, data):
    if type(data) is not bytes:
        raise Violation("chunk-type", "the app's iterable yielded %s; PEP 3333 requires bytes "
                        "(encode text first)" % type(data).__name__)
    if call.status is None:
        raise Violation("start-response-missing", "the app's iterable yielded body bytes before "
                        "start_response() was called")
    if data:
        call.emit_body(CHUNK, data)


def describe_failure(call, e):
    v = call.violation or (e if isinstance(e, Violation) else None)
    if v is not None:
        return {"kind": "wsgi", "rule": v.rule, "message": str(v), "traceback": format_exception(e)}
    return {"kind": "exception", "message": "%s: %s" % (type(e).__name__, e),
            "traceback": format_exception(e)}


def make_environ(call):
    # Every CGI value arrives from the parent as latin-1 bytes-as-str, built
    # by devserver/environ.go; wsgi.* objects are ours.
    f = call.fields
    environ = dict(zip(f[0::2], f[1::2]))
    environ["wsgi.version"] = (1, 0)
    environ["wsgi.input"] = Input(call)
    environ["wsgi.errors"] = Errors(call)
    environ["wsgi.multithread"] = True
    environ["wsgi.multiprocess"] = False
    environ["wsgi.run_once"] = False
    environ["wsgi.file_wrapper"] = FileWrapper
    # gunicorn's extension: wsgi.input always ends with b"" at the body's end.
    environ["wsgi.input_terminated"] = True
    return environ


# -- the child's life --------------------------------------------------------

class Pool(object):
    """Worker threads started as needed, up to a limit; idle ones are reused.

    ``idle`` counts workers waiting for work that no submitted call has
    claimed yet, so a call never queues behind a busy (say, streaming) worker
    while the pool may still grow.
    """

    def __init__(self, app, limit):
        import queue
        self.app = app
        self.limit = limit
        self.jobs = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.idle = 0
        self.size = 0

    def submit(self, call):
        with self.lock:
            if self.idle:
                self.idle -= 1
            elif self.size < self.limit:
                self.size += 1
                threading.Thread(target=self.work, name="wsgidev-worker-%d" % self.size,
                                 daemon=True).start()
        self.jobs.put(call)

    def work(self):
        while True:
            call = self.jobs.get()
            run_call(self.app, call)
            calls.pop(call.cid, None)
            report_new_modules(call.wire)
            with self.lock:
                self.idle += 1


calls = {}
_module_count = [0]


def report_new_modules(wire):
    # A cheap check on every call: only a changed sys.modules costs a scan.
    if len(sys.modules) != _module_count[0]:
        _module_count[0] = len(sys.modules)
        files = new_module_files()
        if files:
            wire.send_json(MODULES, 0, files)


def main():
    rfd, wfd = (int(fd) for fd in os.environ.pop("WSGIDEV_FDS").split(","))
    spec = json.loads(os.environ.pop("WSGIDEV_APP"))
    wire = Wire(rfd, wfd)
    sys.stdout = RequestStream(sys.stdout, b"o")
    sys.stderr = RequestStream(sys.stderr, b"r")
    wire.send_json(HELLO, 0, {
        "protocol": PROTOCOL,
        "python": "%d.%d.%d" % sys.version_info[:3],
        "executable": sys.executable,
        "pid": os.getpid(),
    })
    if spec.get("argv"):
        sys.argv[:] = spec["argv"]
    try:
        app, info = load_app(spec.get("file"), spec.get("module"), spec.get("expr"))
    except BaseException as e:
        wire.send_json(LOAD_ERROR, 0, describe_load_error(e))
        idle(wire)
        return
    info["modules"] = new_module_files()
    _module_count[0] = len(sys.modules)
    wire.send_json(READY, 0, info)
    serve(wire, Pool(app, spec.get("threads") or 32))


def describe_load_error(e):
    error = {"kind": type(e).__name__, "message": str(e), "traceback": format_exception(e)}
    if isinstance(e, SyntaxError):
        error["file"], error["line"] = e.filename or "", e.lineno or 0
    else:
        tb = e.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            error["file"], error["line"] = tb.tb_frame.f_code.co_filename, tb.tb_lineno
    if isinstance(e, LoadFailure):
        error["traceback"] = ""
    new = new_module_files()
    if error.get("file") and error["file"] not in new:
        new.append(error["file"])
    error["modules"] = new
    return error


def idle(wire):
    """After a failed import: stay up until the parent closes the pipe, so the
    parent decides when to start over (on the next save)."""
    while wire.read_frame() is not None:
        pass


def serve(wire, pool):
    while True:
        frame = wire.read_frame()
        if frame is None:
            return
        typ, cid, payload = frame
        if typ == CALL:
            flags = payload[0]
            window = U32.unpack_from(payload, 1)[0]
            fields = payload[5:].decode("latin-1").split("\0")
            call = calls[cid] = Call(wire, cid, flags, window, fields)
            pool.submit(call)
            continue
        call = calls.get(cid)
        if call is not None:
            call.on_frame(typ, payload)


if __name__ == "__main__":
    main()
