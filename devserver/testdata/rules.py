"""A WSGI app with one route per rule the integration tests check.

Every route obeys PEP 3333, so the tests run it wrapped in
wsgiref.validate.validator (see validated.py) and expect no assertion.
"""
import hashlib
import io
import json
import os
import sys
import threading
import time

closed = []  # tokens of iterables whose close() ran
closed_lock = threading.Lock()
gates = {}  # token -> threading.Event, so tests order events without timing
gates_lock = threading.Lock()


def gate(token):
    with gates_lock:
        return gates.setdefault(token, threading.Event())


class Tracked(object):
    """An iterable that records its close() under a token from the query."""

    def __init__(self, token, chunks, delay=0.0):
        self.token, self.chunks, self.delay = token, chunks, delay

    def __iter__(self):
        for i, chunk in enumerate(self.chunks):
            if i and self.delay:
                time.sleep(self.delay)
            yield chunk

    def close(self):
        with closed_lock:
            closed.append(self.token)


def query(environ):
    from urllib.parse import parse_qs
    return {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}


def text(start_response, body, status="200 OK", ctype="text/plain; charset=utf-8", extra=()):
    data = body.encode("utf-8")
    start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(data)))] + list(extra))
    return [data]


def application(environ, start_response):
    path = environ["PATH_INFO"]
    q = query(environ)
    if path == "/reason":
        # The status as the query gives it, reason phrase and all; with
        # read=N, N bytes of the body read first (else none).
        if q.get("read"):
            environ["wsgi.input"].read(int(q["read"]))
        status = q.get("status", "299 Custom Reason Here")
        if status[:3] in ("204", "304"):
            start_response(status, [])
            return []
        return text(start_response, "status " + status, status=status)
    if path == "/read-after-start":
        # Starts the response, then reads the whole request body (once
        # /release?token=… came, with a token).
        def gen():
            yield b"started\n"
            if q.get("token"):
                gate(q["token"]).wait(20)
            n = 0
            while True:
                data = environ["wsgi.input"].read(65536)
                if not data:
                    break
                n += len(data)
            yield ("read %d\n" % n).encode()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return gen()
    if path == "/environ":
        env = {k: v for k, v in environ.items() if isinstance(v, str)}
        env["wsgi.version"] = list(environ["wsgi.version"])
        for k in ("wsgi.multithread", "wsgi.multiprocess", "wsgi.run_once", "wsgi.input_terminated"):
            env[k] = environ.get(k)
        env["has_file_wrapper"] = "wsgi.file_wrapper" in environ
        return text(start_response, json.dumps(env), ctype="application/json")
    if path.startswith("/echo-path"):
        # PATH_INFO is latin-1 bytes-as-str: re-encode to get the raw bytes back.
        raw = path.encode("latin-1")
        return text(start_response, json.dumps({"raw": list(raw), "utf8": raw.decode("utf-8", "replace")}))
    if path == "/upload":
        h = hashlib.sha256()
        n = 0
        inp = environ["wsgi.input"]
        while True:
            data = inp.read(65536)
            if not data:
                break
            h.update(data)
            n += len(data)
        return text(start_response, json.dumps({"sha256": h.hexdigest(), "size": n}))
    if path == "/lines":
        inp = environ["wsgi.input"]
        first = inp.readline()
        second = inp.readline(3)
        rest = inp.readlines()
        return text(start_response, json.dumps([first.decode(), second.decode(), [l.decode() for l in rest]]))
    if path == "/iterate":
        return text(start_response, json.dumps([l.decode() for l in environ["wsgi.input"]]))
    if path == "/download":
        size = int(q.get("size", "0"))
        seed = hashlib.sha256(b"wsgidev").digest() * 2048  # 64 KiB of pattern
        def gen():
            left = size
            while left > 0:
                piece = seed[:min(left, len(seed))]
                left -= len(piece)
                yield piece
        start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(size))])
        return gen()
    if path == "/stream":
        n = int(q.get("n", "3"))
        delay = float(q.get("delay", "0.2"))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return Tracked(q.get("token", ""), [("chunk %d\n" % i).encode() for i in range(n)], delay)
    if path == "/slow":
        time.sleep(float(q.get("s", "1")))
        return text(start_response, "slow done")
    if path == "/hold":
        # Waits (bounded) for /release with the same token; /entered tells
        # when it is waiting.
        gate(q["token"] + ".entered").set()
        released = gate(q["token"]).wait(20)
        return text(start_response, "held " + ("released" if released else "timed out"))
    if path == "/entered":
        entered = gate(q["token"] + ".entered").wait(20)
        return text(start_response, "entered" if entered else "timed out")
    if path == "/release":
        gate(q["token"]).set()
        return text(start_response, "released")
    if path == "/gated":
        # One chunk, then nothing until /release: the first chunk must reach
        # the client while the app is still waiting.
        token = q["token"]
        def gen():
            yield b"before the gate\n"
            yield b"after the gate\n" if gate(token).wait(20) else b"timed out\n"
        start_response("200 OK", [("Content-Type", "text/plain")])
        return gen()
    if path == "/closed":
        with closed_lock:
            return text(start_response, json.dumps(closed))
    if path == "/write":
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"from write; ")
        return [b"from iterable"]
    if path == "/exc-info":
        start_response("200 OK", [("Content-Type", "text/plain")])
        try:
            raise ValueError("replaced")
        except ValueError:
            start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
        return [b"error page from the app"]
    if path == "/status":
        # A body even where HTTP allows none: the server must drop it.
        code = q.get("code", "200")
        headers = [("Content-Type", "text/plain")]
        if code == "204":
            headers = []  # wsgiref.validate forbids Content-Type here
        if code == "304":
            headers = [("ETag", '"x"')]
        start_response(code + " Status", headers)
        return [b"body for " + code.encode()]
    if path == "/no-length":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iter([b"no ", b"length"])
    if path == "/file":
        return_file = environ["wsgi.file_wrapper"](io.BytesIO(b"file wrapper body"), 4)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return return_file
    if path == "/errors":
        environ["wsgi.errors"].write("to wsgi.errors\n")
        print("printed during the request")
        return text(start_response, "logged")
    if path == "/headers":
        return text(start_response, "headers", extra=[("X-Multi", "1"), ("X-Multi", "2"), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")])
    if path == "/pid":
        return text(start_response, str(os.getpid()))
    return text(start_response, "not found: " + path, status="404 Not Found")
