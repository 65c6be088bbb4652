"""The app capture_test.go captures, replays and exports: one route per
kind of answer. The tests copy it and edit the GREETING line to change
exactly one answer."""

import json
import os
from email.utils import formatdate

GREETING = "hello"


class SlowClose(list):
    def close(self):
        import time
        time.sleep(0.05)


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/json":
        body = json.dumps({"greeting": GREETING, "query": environ["QUERY_STRING"]}).encode()
        start_response("200 OK", [("Content-Type", "application/json"),
                                  ("Date", formatdate(usegmt=True)),  # volatile: never compared
                                  ("Content-Length", str(len(body)))])
        return [body]
    if path == "/echo":
        data = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", environ.get("CONTENT_TYPE", "application/octet-stream")),
                                       ("Set-Cookie", "session=%s; Path=/; HttpOnly" % os.urandom(8).hex()),
                                       ("X-Header", environ.get("HTTP_X_HEADER", "")),
                                       ("ETag", '"%s"' % os.urandom(4).hex())])
        return [data]
    if path == "/binary":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return [bytes(range(256))]
    if path == "/big":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [("line %d\n" % i).encode() for i in range(1000)]  # past the cap the tests set
    if path.startswith("/caf"):
        # PATH_INFO is bytes-as-latin-1: the UTF-8 of "é" arrives as two characters.
        start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
        return [path.encode("latin-1")]
    if path == "/stream":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iter([b"one\n", b"two\n", b"three\n"])
    if path == "/slow":
        import time
        time.sleep(float(environ["QUERY_STRING"] or "1"))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"slept\n"]
    if path == "/slow-close":
        # The whole answer is sent before close() ends: the client has it
        # while the request is still running.
        body = json.dumps({"query": environ["QUERY_STRING"]}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return SlowClose([body])
    if path == "/pid":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [str(os.getpid()).encode()]
    if path == "/boom":
        raise RuntimeError("boom on purpose")
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"no such page: " + path.encode("latin-1") + b"\n"]
