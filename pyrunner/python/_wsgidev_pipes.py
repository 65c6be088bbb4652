"""The pipes the parent passed, and the lifeline.

The parent passes three pipes (PROTOCOL.md): the frames it sends, the frames
we send, and the lifeline. On Unix they are file descriptors named in
WSGIDEV_FDS ("3,4,5"); on Windows they are handles named in WSGIDEV_HANDLES,
which msvcrt.open_osfhandle turns into file descriptors. From there on every
system runs the same code, and none of it select()s on a pipe: Windows
cannot.

The lifeline: the parent holds its other end and never writes to it, so a
read returns end of file exactly when the parent has gone, however it went,
SIGKILL included. A thread waits for that and takes the app's processes
along. On Unix it kills the child's process group, which the processes the
app starts join; on Windows the parent's Job Object has already killed them
(closing the job kills everything in it), so the child just exits.

Must run on CPython 3.8 through 3.13.
"""

import os
import threading

def open_pipes(environ, open_handle=None):
    """Return the file descriptors of the parent's frames, ours and the
    lifeline, taking their variable out of environ. open_handle turns a
    Windows handle into a file descriptor: msvcrt.open_osfhandle, unless a
    test passes its own."""
    handles = environ.pop("WSGIDEV_HANDLES", None)
    if handles is None:
        fds = [int(fd) for fd in environ.pop("WSGIDEV_FDS").split(",")]
    else:
        if open_handle is None:
            import msvcrt
            open_handle = msvcrt.open_osfhandle
        # Flags 0, as subprocess passes for its pipes: without _O_TEXT the
        # descriptor is binary, no newline translation.
        fds = [open_handle(int(h), 0) for h in handles.split(",")]
    for fd in fds:
        os.set_inheritable(fd, False)  # never passed on to what the app runs
    return fds


def hold_lifeline(fd, on_end=None):
    """Start the thread that waits for the parent's end, then calls on_end
    (leave, unless a test passes its own)."""
    threading.Thread(target=_wait_for_end, args=(fd, on_end or leave), name="wsgidev-lifeline",
                     daemon=True).start()


def _wait_for_end(fd, on_end):
    try:
        while os.read(fd, 64):
            pass  # the parent never writes; should anything come, it means nothing
    except OSError:
        pass  # a broken pipe is an end too
    on_end()


def leave():
    """The parent has gone: take the app's processes along, and exit."""
    if hasattr(os, "killpg") and os.getpgrp() == os.getpid():
        import signal  # only now: a child that never needs it does not import it
        # Our own group, of which the parent made us the leader, never
        # anyone else's; SIGKILL reaches us too, which is the point.
        os.killpg(os.getpid(), signal.SIGKILL)
    os._exit(1)
