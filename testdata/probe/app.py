"""The app main_test.go drives wsgidev with: one route per thing a test
needs to see or provoke."""

import os
import subprocess
import sys
import threading
import time
from urllib.parse import parse_qs

print("probe: imported on stdout")
sys.stderr.write("probe: imported on stderr\n")

_spawned = []  # Popen objects, kept so that none is collected and waited for
_barriers = {}
_barriers_lock = threading.Lock()


def text(start_response, body, status="200 OK"):
    data = body.encode("utf-8")
    start_response(status, [("Content-Type", "text/plain; charset=utf-8"),
                            ("Content-Length", str(len(data)))])
    return [data]


def barrier(query):
    """Meet another request: passes only if the child runs both at once."""
    key = query.get("key", ["default"])[0]
    with _barriers_lock:
        b = _barriers.setdefault(key, threading.Barrier(2, timeout=float(query.get("timeout", ["5"])[0])))
    try:
        b.wait()
        return "passed"
    except threading.BrokenBarrierError:
        return "broken"


def spawn():
    """Start what an app may start: a fork and a subprocess, both meant to
    outlive the request by far. Returns their PIDs."""
    pid = os.fork()
    if pid == 0:
        try:
            time.sleep(300)
        finally:
            os._exit(0)
    _spawned.append(subprocess.Popen(["sleep", "300"]))
    return "%d %d" % (pid, _spawned[-1].pid)


def application(environ, start_response):
    path = environ["PATH_INFO"]
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/x":
        return text(start_response, "hello, world!")
    if path == "/pid":
        return text(start_response, str(os.getpid()))
    if path == "/env":
        return text(start_response, repr(os.environ.get(query["key"][0])))
    if path == "/where":
        return text(start_response, "SCRIPT_NAME=%r PATH_INFO=%r" % (environ["SCRIPT_NAME"], path))
    if path == "/slow":
        print("slow: started")
        time.sleep(float(query.get("secs", ["1"])[0]))
        return text(start_response, "slow done")
    if path == "/say":
        print("said on stdout")
        sys.stderr.write("said on stderr\n")
        environ["wsgi.errors"].write("said on wsgi.errors\n")
        return text(start_response, "said")
    if path == "/boom":
        return explode()
    if path == "/exit":
        os._exit(7)
    if path == "/prefix":
        return text(start_response, sys.prefix)
    if path == "/spawn":
        return text(start_response, spawn())
    if path == "/barrier":
        return text(start_response, barrier(query))
    return text(start_response, "not found: " + path, "404 Not Found")


def explode():
    raise RuntimeError("kaboom from the probe")
