"""A WSGI app with one route per mistake an app can make; each must get a
page that names the rule, or a cut connection, and never hurt the server."""
import os
import sys
import time

saved = []  # write callables kept past their request


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/raise-before":
        raise RuntimeError("boom before start_response")
    if path == "/raise-after":
        start_response("200 OK", [("Content-Type", "text/plain")])
        def gen():
            yield b"first chunk\n"
            raise RuntimeError("boom after the first chunk")
        return gen()
    if path == "/exc-info-after":
        # exc_info once the headers are out: start_response must re-raise it.
        start_response("200 OK", [("Content-Type", "text/plain")])
        def gen():
            yield b"first chunk\n"
            try:
                raise ValueError("late failure")
            except ValueError:
                start_response("500 Internal Server Error", [("Content-Type", "text/plain")], sys.exc_info())
            yield b"never sent"
        return gen()
    if path == "/upload":
        data = environ["wsgi.input"].read()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"read %d bytes" % len(data)]
    if path == "/str-body":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return "a str, not bytes"
    if path == "/str-chunk":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ["a str chunk"]
    if path == "/str-second-chunk":
        # In one list, so the bytes before the mistake and the end of the
        # call reach wsgidev together.
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"first chunk\n", "a str chunk"]
    if path == "/no-start":
        return [b"never started"]
    if path == "/none-body":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return None
    if path == "/start-args":
        start_response("200 OK")
        return [b"x"]
    if path == "/twice":
        start_response("200 OK", [("Content-Type", "text/plain")])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"x"]
    if path == "/bad-status":
        start_response("OK", [("Content-Type", "text/plain")])
        return [b"x"]
    if path == "/status-crlf":
        start_response("200 OK\r\nSet-Cookie: evil=1", [("Content-Type", "text/plain")])
        return [b"x"]
    if path == "/status-latin1":
        start_response("200 \u2603", [("Content-Type", "text/plain")])
        return [b"x"]
    if path == "/status-digits":
        start_response("\u00b200 OK", [("Content-Type", "text/plain")])
        return [b"x"]
    if path == "/latin1-header":
        start_response("200 OK", [("X-Name", "caf\u00e9 \u2603")])
        return [b"x"]
    if path == "/bytes-header":
        start_response("200 OK", [(b"X-Bytes", b"v")])
        return [b"x"]
    if path == "/hop-by-hop":
        start_response("200 OK", [("Connection", "close")])
        return [b"x"]
    if path == "/save-write":
        saved.append(start_response("200 OK", [("Content-Type", "text/plain")]))
        return [b"saved"]
    if path == "/write-before-start":
        # write() only comes from start_response, so the one way to call it
        # before start_response is to keep another request's.
        saved[-1](b"too early")
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"x"]
    if path == "/short-length":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "100")])
        return [b"only this"]
    if path == "/long-length":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
        return [b"more than three"]
    if path == "/pid":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(os.getpid()).encode()]
    if path == "/exit":
        os._exit(7)
    if path == "/segfault":
        import ctypes
        ctypes.string_at(0)
    if path == "/exit-mid-stream":
        start_response("200 OK", [("Content-Type", "text/plain")])
        def gen():
            yield b"partial\n"
            time.sleep(0.1)
            os._exit(9)
        return gen()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
