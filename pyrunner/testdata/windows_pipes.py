"""The child's Windows path, run on Linux: the pipes named as Windows names
them (WSGIDEV_HANDLES), opened through the function msvcrt.open_osfhandle
would be, a call served through them with every form of select() forbidden,
and the lifeline's end noticed. pipes_test.go runs it as
`python3 windows_pipes.py RUNNER_DIR`; it prints "ok" or fails."""

import os
import select
import selectors
import sys
import threading

sys.path.insert(0, sys.argv[1])


def forbidden(*args, **kwargs):
    raise AssertionError("select() on a pipe: Windows cannot")


for name in ("select", "poll", "epoll", "devpoll", "kqueue"):
    if hasattr(select, name):
        setattr(select, name, forbidden)
for name in dir(selectors):
    if name.endswith("Selector"):
        setattr(selectors, name, forbidden)

import _wsgidev_pipes  # noqa: E402 (after select is forbidden)
import _wsgidev_runner  # noqa: E402
from _wsgidev_wire import CALL, CHUNK, DONE, HEADER, RESULT, START, STOP, U32, Wire  # noqa: E402

# The parent's side: pipes whose child ends play the handles.
to_child, from_parent = os.pipe()[::-1]
from_child, to_parent = os.pipe()
life_child, life_parent = os.pipe()

opened = []


def open_osfhandle(handle, flags):
    """What msvcrt.open_osfhandle does: a new descriptor that owns the handle."""
    opened.append((handle, flags))
    fd = os.dup(handle)
    os.close(handle)
    return fd


environ = {"WSGIDEV_HANDLES": "%d,%d,%d" % (from_parent, to_parent, life_child), "OTHER": "kept"}
rfd, wfd, lifeline = _wsgidev_pipes.open_pipes(environ, open_osfhandle)
assert opened == [(from_parent, 0), (to_parent, 0), (life_child, 0)], opened  # binary: no O_TEXT
assert environ == {"OTHER": "kept"}, environ
assert not any(os.get_inheritable(fd) for fd in (rfd, wfd, lifeline)), "the pipes would pass on to subprocesses"

ended = threading.Event()
_wsgidev_pipes.hold_lifeline(lifeline, ended.set)


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello " + environ["PATH_INFO"].encode("latin-1")]


wire = Wire(rfd, wfd)
console = _wsgidev_runner.Console(wire)
console.serving = True
server = threading.Thread(target=_wsgidev_runner.serve, args=(wire, app, 4, console), daemon=True)
server.start()

parent = Wire(from_child, to_child)
fields = "\0".join(["REQUEST_METHOD", "GET", "PATH_INFO", "/win"]).encode("latin-1")
parent.send(CALL, 1, b"\0" + U32.pack(1 << 20) + fields)
frames = []
while not frames or frames[-1][0] != DONE:
    frame = parent.read_frame()
    assert frame is not None, "the child closed its pipe before DONE: %r" % frames
    if frame[1] == 1:
        frames.append(frame)
assert [f[0] for f in frames] == [START, RESULT, CHUNK, DONE], frames
assert frames[0][2] == b"200 OK\0Content-Type\0text/plain", frames[0]
assert frames[1][2].endswith(b"list\0[b'hello /win']"), frames[1]
assert frames[2][2] == b"hello /win", frames[2]
assert frames[3][2] == b"", frames[3]

assert not ended.is_set(), "the lifeline ended while the parent still held it"
os.close(life_parent)
assert ended.wait(10), "the lifeline's end of file went unnoticed"

parent.send(STOP, 0)  # the parent says "exit"
os.close(to_child)
server.join(10)
assert not server.is_alive(), "the frame loop did not end at the end of its pipe"
assert HEADER.size == 9
print("ok")
