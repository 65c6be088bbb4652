"""Serve MODULE:CALLABLE with wsgiref on 127.0.0.1:PORT, restarted by hupper.

    python3 reload_hupper.py app:application 8001

hupper's API as its documentation shows it: the first process becomes the
monitor, which watches every imported module's file (with watchdog when it
is installed, else by polling once a second) and runs main again in a
worker process; on a change it stops the worker and starts a new one. The
worker binds the port itself, so connections are refused in between.
"""

import importlib
import sys
from wsgiref.simple_server import make_server

import hupper


def main():
    hupper.start_reloader("reload_hupper.main")  # never returns in the monitor
    spec, port = sys.argv[1], int(sys.argv[2])
    module, _, name = spec.partition(":")
    app = getattr(importlib.import_module(module), name)
    with make_server("127.0.0.1", port, app) as httpd:
        httpd.serve_forever()


if __name__ == "__main__":
    main()
