"""wsgidev's child runner: imports the WSGI app and runs calls for the Go parent.

The parent starts this module with a tiny bootstrap (see child.go) that checks
the Python version first. Frames arrive on one pipe and leave on another, and
a third is the lifeline (_wsgidev_pipes.py), as PROTOCOL.md beside this file
describes; stdout and stderr stay the app's own.
Reads like wsgiref's handlers.py: one Call object per request (its state and
the frames are _wsgidev_wire.py's), a flat environ, start_response and write()
as closures over the call.

Must run unchanged on CPython 3.8 through 3.13: no match statements, no
``X | Y`` types, nothing newer than 3.8.
"""

import json
import os
import sys
import threading
from collections import deque

from _wsgidev_layers import call_app, end_call, install_layers
from _wsgidev_loader import (LoadFailure, cache_own_bytecode, clip, format_exception, library_modules, load_app,
                             new_module_files)
from _wsgidev_frames import describe_frames
from _wsgidev_hints import after_call
from _wsgidev_hints import install as install_hints
from _wsgidev_pipes import hold_lifeline, leave, open_pipes
from _wsgidev_pool import Pool
from _wsgidev_postmortem import POST_MORTEM, open_session
from _wsgidev_postmortem import after_call as keep_failure
from _wsgidev_postmortem import install as install_postmortem
from _wsgidev_rules import (HEADERS_AFTER_BODY, Violation, check_headers, check_status, explain_headers,
                            lint_content_type, lint_exc_info, start_args, unclosed_wrapper)
from _wsgidev_streams import Errors, FileWrapper, Input, RequestStream, Stdin, current
from _wsgidev_wire import (CALL, CHUNK, DONE, EXCINFO, HEADER, HELLO, HINT, INPUT, LEFT, LIBS, LINE,
                           LOAD_ERROR, MAX_FRAME, MODULES, PROTOCOL, READY, START, STOP, U32, WRITE, Call, Cancelled,
                           Wire)


# -- one WSGI call ---------------------------------------------------------

def run_call(app, call):
    environ = make_environ(call)
    current.call = call
    call.thread = threading.get_ident()

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
            call.flush_chunk()

    def start_response(*args, **kw):
        call.check()
        if kw or len(args) != 2:
            try:
                status, headers, exc_info, warning = start_args(args, kw)
            except Violation as v:
                call.violation = v
                raise
            call.lint_all((warning, lint_exc_info(exc_info)))
        else:
            status, headers = args
            exc_info = None
        if exc_info:
            try:
                if call.headers_sent:
                    raise exc_info[1].with_traceback(exc_info[2])
                call.queue(EXCINFO, format_exception(exc_info[1]).encode("utf-8"))
            finally:
                exc_info = None
        elif call.status is not None and call.headers_sent:
            call.lint_all((HEADERS_AFTER_BODY,))  # told even if the app swallows the error
            call.violation = Violation(*HEADERS_AFTER_BODY)
            raise call.violation
        elif call.status is not None:
            call.violation = Violation("start-response-twice", "the app called start_response() a second "
                                       "time without exc_info; PEP 3333 allows a second call only with "
                                       "exc_info, while handling an error")
            raise call.violation
        try:
            check_status(status)
            fields, length, has_type, warnings = check_headers(headers)
            try:
                payload = "\0".join([status] + fields).encode("latin-1")
            except UnicodeEncodeError:
                explain_headers(headers, [])  # names the header (check_status passed the status)
                raise
            if len(payload) > MAX_FRAME:
                raise Violation("headers-size", "the status and headers add up to %d bytes; wsgidev carries at "
                                "most 16 MiB of them, and clients refuse far less (often 8-64 KiB)" % len(payload))
        except Violation as v:
            call.violation = v
            raise
        if warnings:
            call.lint_all(warnings)
        if not has_type or status[:3] in ("204", "304"):
            call.lint_all((lint_content_type(status, has_type),))
        call.status = status
        call.length = length
        call.queue(START, payload)
        if call.step_mode:
            call.wait_step()
        return write

    result = None
    error = None
    failed = None  # the exception, kept for post-mortem (_wsgidev_postmortem.py)
    try:
        result = call_app(call, app, environ, start_response)  # and its layers (_wsgidev_layers.py)
        if result is None or result is False:
            raise Violation("body-none", "the app returned %r instead of its body; PEP 3333 requires an "
                            "iterable of bytes, if only an empty list" % (result,))
        if isinstance(result, (str, bytes)):
            raise Violation("body-" + type(result).__name__, "the app returned a %s as its body; PEP 3333 "
                            "requires an iterable of bytes, e.g. [body] instead of body"
                            % type(result).__name__)
        if type(result) in (list, tuple):
            for data in result:
                send_item(call, data)
        else:
            if not call.inline:  # slow already: show start_response before the body
                call.flush()
            for data in result:
                send_item(call, data)
                call.flush_chunk()
        if call.status is None:
            raise Violation("start-response-missing", "the app returned without calling "
                            "start_response(); PEP 3333 requires it before the first body bytes")
    except Cancelled:
        error = {"kind": "cancelled", "message": "the client went away; the call was stopped"}
    except BaseException as e:
        error = describe_failure(call, e)
        failed = e
    finally:
        call.end_interrupt()  # sets call.finished
        current.call = None
    if result is not None and hasattr(result, "close"):
        try:
            result.close()
        except BaseException as e:
            error = error or describe_failure(call, e)
            error["message"] = "close() raised: " + error["message"]
            failed = failed or e
    keep_failure(call, failed)  # with --pm, pdb runs here: before the lines still open go out
    call.end_lines()
    end_call(call)
    if call.wrappers:
        call.lint_all((unclosed_wrapper(call.wrappers),))
    # Modules this call imported go out before its DONE: once the client
    # has its answer, the parent already watches them. So does a hint.
    files, libs = new_modules()
    for typ, report in ((MODULES, files), (LIBS, libs), (HINT, after_call(call, environ, error))):
        if report:
            with call.out_lock:
                payload = json.dumps(report).encode("utf-8")
                call.out.append(HEADER.pack(len(payload), typ, 0))
                call.out.append(payload)
    left = call.input_left()
    if left:
        call.queue(LEFT, U32.pack(min(left, 0xFFFFFFFF)))
    if error is not None:
        error["after_body"] = call.headers_sent
        if result is None or result is False:  # nothing to iterate, nothing to close
            error["no_iterable"] = True
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
        return {"kind": "wsgi", "rule": v.rule, "message": clip(str(v)), "traceback": format_exception(e),
                "frames": describe_frames(e)}
    return {"kind": "exception", "message": clip("%s: %s" % (type(e).__name__, e)),
            "traceback": format_exception(e), "frames": describe_frames(e)}


def make_environ(call):
    # Every CGI value arrives from the parent as latin-1 bytes-as-str, built
    # by devserver/environ.go; wsgi.* objects are ours.
    fields = iter(call.fields)
    environ = dict(zip(fields, fields))  # key, value, key, value…
    environ["wsgi.version"] = (1, 0)
    environ["wsgi.input"] = call.input = Input(call)
    environ["wsgi.errors"] = Errors(call)
    environ["wsgi.multithread"] = True
    environ["wsgi.multiprocess"] = False
    environ["wsgi.run_once"] = False
    environ["wsgi.file_wrapper"] = FileWrapper
    # gunicorn's extension: wsgi.input always ends with b"" at the body's end.
    environ["wsgi.input_terminated"] = True
    return environ


# -- the child's life --------------------------------------------------------

calls = {}
_module_count = [0]
_seen_modules = set()


class Console(object):
    """sys.stdin outside any call (pdb at import time, or in a thread the app
    started): lines the parent sends with call id 0. Until the pool serves,
    nobody else reads the wire, so the asking thread reads it itself."""

    def __init__(self, wire):
        self.wire = wire
        self.cond = threading.Condition(threading.Lock())
        self.lines = deque()
        self.serving = False

    def ask(self):
        call = getattr(current, "call", None)
        if call is not None:
            return call.ask_line()
        sys.stdout.flush()
        self.wire.send(INPUT, 0)
        if not self.serving:
            while True:
                frame = self.wire.read_frame()
                if frame is None:
                    return b""
                if frame[0] == LINE and frame[1] == 0:
                    return frame[2]
        with self.cond:
            while not self.lines:
                self.cond.wait()
            return self.lines.popleft()

    def receive(self, payload):
        with self.cond:
            self.lines.append(payload)
            self.cond.notify_all()


def new_modules():
    """Source files imported since the last look, and the names of library
    modules imported since (for the warm template). A cheap check on every
    call: only a changed sys.modules costs a scan."""
    if len(sys.modules) == _module_count[0]:
        return None, None
    _module_count[0] = len(sys.modules)
    names = [name for name in list(sys.modules) if name not in _seen_modules]
    _seen_modules.update(names)
    return new_module_files(), library_modules(names)


def main():
    if "WSGIDEV_TEMPLATE" in os.environ:
        # A warm template: this returns only in a fork of it, which then
        # goes on exactly as a child started cold.
        cold = set(sys.modules)
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from _wsgidev_template import serve_template
        del sys.path[0]
        serve_template(cold)
    rfd, wfd, lifeline = open_pipes(os.environ)
    hold_lifeline(lifeline)
    spec = json.loads(os.environ.pop("WSGIDEV_APP"))
    wire = Wire(rfd, wfd)
    for stream in (sys.stdout, sys.stderr):
        # The parent reads UTF-8. A pipe gets the locale's encoding, on
        # Windows an ANSI code page that cannot print most of Unicode.
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    sys.stdout = RequestStream(sys.stdout, b"o")
    sys.stderr = RequestStream(sys.stderr, b"r")
    console = Console(wire)
    sys.stdin = Stdin(console.ask)
    wire.send_json(HELLO, 0, {
        "protocol": PROTOCOL,
        "python": "%d.%d.%d" % sys.version_info[:3],
        "executable": sys.executable,
        "pid": os.getpid(),
    })
    if spec.get("argv"):
        sys.argv[:] = spec["argv"]
    try:
        app, info = load_app(spec.get("file"), spec.get("module"), spec.get("expr"), spec.get("django_static"))
    except BaseException as e:
        wire.send_json(LOAD_ERROR, 0, describe_load_error(e))
        idle(wire)
        return
    imported = list(sys.modules)  # the app's, before the runner's own look below
    info["modules"] = new_module_files()
    info["libs"] = library_modules(imported)
    _module_count[0] = len(sys.modules)
    _seen_modules.update(sys.modules)
    info["layers"] = install_layers(app, spec.get("layers", True))
    wire.send_json(READY, 0, info)
    install_hints()
    install_postmortem(spec)
    cache_own_bytecode()
    # What that imported is the runner's, not the app's: not for LIBS.
    _seen_modules.update(sys.modules)
    _module_count[0] = len(sys.modules)
    console.serving = True
    serve(wire, app, spec.get("threads") or 32, console)


def describe_load_error(e):
    error = {"kind": type(e).__name__, "message": clip(str(e)), "traceback": format_exception(e)}
    if isinstance(e, SyntaxError):
        # str(e) ends with "(name.py, line N)"; the location travels apart.
        error["file"], error["line"] = e.filename or "", e.lineno or 0
        error["message"] = clip(str(e.msg))
    elif not isinstance(e, LoadFailure):  # a LoadFailure's frame is wsgidev's own
        tb = e.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        if tb is not None:
            error["file"], error["line"] = tb.tb_frame.f_code.co_filename, tb.tb_lineno
    if isinstance(e, LoadFailure):
        error["traceback"] = ""
    if isinstance(e, ModuleNotFoundError) and e.name:
        error["module"] = e.name  # the parent looks for a Python that has it
    new = new_module_files()
    if error.get("file") and error["file"] not in new:
        new.append(error["file"])
    error["modules"] = new
    return error


def idle(wire):
    """After a failed import: stay up until the parent stops us, so the
    parent decides when to start over (on the next save)."""
    while next_frame(wire)[0] != STOP:
        pass


def next_frame(wire):
    """The parent's next frame. The pipe's end without a STOP before it
    means the parent died: leave at once, taking the app's processes along
    (the lifeline thread would too; whichever notices first)."""
    frame = wire.read_frame()
    if frame is None:
        leave()
    return frame


def serve(wire, app, threads, console):
    """Run calls until the parent closes the pipe; see _wsgidev_pool.py."""

    def run(call):
        run_call(app, call)
        calls.pop(call.cid, None)

    pool = Pool(run, threads)

    def read():
        # The next CALL to run, or None once another frame is dealt with.
        typ, cid, payload = next_frame(wire)
        if typ == STOP:
            raise EOFError
        if typ == CALL:
            window = U32.unpack_from(payload, 1)[0]
            fields = payload[5:].decode("latin-1").split("\0")
            call = calls[cid] = Call(wire, pool, cid, payload[0], window, fields)
            return call
        if typ == LINE and cid == 0:
            console.receive(payload)
            return None
        if typ == POST_MORTEM:
            open_session(wire, pool, calls, cid, payload)
            return None
        call = calls.get(cid)
        if call is not None:
            call.on_frame(typ, payload)
        return None

    pool.serve(read)


if __name__ == "__main__":
    main()
