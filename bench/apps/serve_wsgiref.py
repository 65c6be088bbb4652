"""Serve MODULE:CALLABLE with the standard library's wsgiref on 127.0.0.1:PORT.

    python3 serve_wsgiref.py hello:application 8001

wsgiref.simple_server is used as it is: one request at a time, and its
handler answers in HTTP/1.0 and closes the connection after every response,
so a keep-alive client such as wrk reconnects for each request.
"""

import importlib
import sys
from wsgiref.simple_server import make_server


def main():
    spec, port = sys.argv[1], int(sys.argv[2])
    module, _, name = spec.partition(":")
    app = getattr(importlib.import_module(module), name)
    with make_server("127.0.0.1", port, app) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    main()
