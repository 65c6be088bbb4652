"""An app for the debugger tests: its environ as JSON, the size and sha256 of
the request body, and a body in chunks whose close() is printed, so a test
sees it without timing."""
import hashlib
import json
import sys


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/environ":
        env = {k: v for k, v in environ.items() if isinstance(v, str)}
        body = json.dumps(env).encode("utf-8")
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]
    if path == "/echo":
        body = environ["wsgi.input"].read()
        answer = ("%d %s" % (len(body), hashlib.sha256(body).hexdigest())).encode()
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(answer)))])
        return [answer]
    if path == "/write":
        write = start_response("200 OK", [("Content-Type", "text/plain")])
        write(b"one\n")
        write(b"two\n")
        return Chunks(path, [])
    start_response("200 OK", [("Content-Type", "text/plain")])
    return Chunks(path, [b"one\n", b"two\n"])


class Chunks(object):
    def __init__(self, path, chunks):
        self.path, self.chunks = path, chunks

    def __iter__(self):
        return iter(self.chunks)

    def close(self):
        sys.stdout.write("closed %s\n" % self.path)
        sys.stdout.flush()
