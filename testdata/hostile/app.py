"""An app that misbehaves the way issue 14 found: it echoes what a client
sent into its output, prints more than any pipe buffer holds, and blocks
its threads. Each route is one thing a hardening test provokes."""

import os
import sys
import time

print("hostile: imported \x1b]0;retitled at import\x07")
if os.environ.get("HOSTILE_BIG_IMPORT"):
    print("x" * 2_000_000)  # one line, longer than any line buffer
    print("hostile: after the big line")

BIG = 17 << 20  # more than one frame may carry (16 MiB)


class App(object):
    def __repr__(self):
        return "<App \x1b[2J\x1b]52;c;ZXZpbA==\x07>"

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        if path == "/raise":
            raise ValueError("the client asked for \x1b[2J" + environ["QUERY_STRING"])
        if path == "/big-stdout":
            sys.stdout.write("y" * BIG)
            sys.stdout.write("\n")
        elif path == "/big-errors":
            environ["wsgi.errors"].write("e" * BIG)
        elif path.startswith("/block"):
            # Holds its thread until the test creates the file named in
            # the query (bounded).
            release = environ["QUERY_STRING"]
            deadline = time.monotonic() + 30
            while not os.path.exists(release) and time.monotonic() < deadline:
                time.sleep(0.01)
        else:
            print("stdout got", path)
            sys.stderr.write("stderr got %s\n" % path)
            environ["wsgi.errors"].write("wsgi.errors got %s\n" % path)
        body = b"ok\n"
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
        return [body]


application = App()
