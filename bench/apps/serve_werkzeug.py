"""Serve MODULE:CALLABLE with werkzeug's threaded server on 127.0.0.1:PORT.

    python3 serve_werkzeug.py flask_hello:app 8001

This is the server behind `flask run`: run_simple with threaded=True (a
thread per connection), without reloader or debugger. It answers HTTP/1.1
but sends `Connection: close` on every response (werkzeug 2.x), so wrk
reconnects for each request.
"""

import importlib
import sys

from werkzeug.serving import run_simple


def main():
    spec, port = sys.argv[1], int(sys.argv[2])
    module, _, name = spec.partition(":")
    app = getattr(importlib.import_module(module), name)
    run_simple("127.0.0.1", port, app, threaded=True)


if __name__ == "__main__":
    main()
