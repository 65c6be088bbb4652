"""Tells what the interpreter looks like to the app, as JSON, for warm_test.go:
a child forked from a warm template must see what a cold child sees."""

import json
import os
import random
import signal
import sys
import threading

import probe_helper

SEEN = {
    "argv": sys.argv,
    "environ": dict(os.environ),
    "path": sys.path,
    "main": sorted(vars(sys.modules["__main__"])),
    "modules": sorted(sys.modules),
    "helper_imports": probe_helper.IMPORTS,
    "helper_token": probe_helper.TOKEN,
    "random": random.random(),
    "ppid": os.getppid(),
    "own_group": os.getpgrp() == os.getpid(),
    "cwd": os.getcwd(),
    "threads": threading.active_count(),
    "signals": {name: str(signal.getsignal(getattr(signal, name)))
                for name in ("SIGINT", "SIGTERM", "SIGCHLD", "SIGHUP", "SIGPIPE")},
    "fds": sorted(os.listdir("/proc/self/fd")),
    "stdin": os.readlink("/proc/self/fd/0"),
}


def application(environ, start_response):
    print("probe: served")
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(SEEN).encode()]
