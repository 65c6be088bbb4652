"""Ctrl-C in the pdb console: bring a request's thread back to pdb's prompt.

pdb's own SIGINT handler stops the program where it runs and shows the
prompt, but a signal reaches only the main thread and the app runs in a
worker. So the parent sends INTERRUPT for the call, and this acts on that
call's thread alone, as pdb's handler would on the main thread:

- On CPython 3.12 and later, sys.monitoring watches the lines of the code
  the thread is running (the app's, not the runner's); at the next line it
  runs in that thread, pdb takes over there ("Program interrupted").
- Before 3.12 no thread can be made to trace another, so the thread gets a
  KeyboardInterrupt (PyThreadState_SetAsyncExc): the request fails with it,
  the server and the other requests run on.

Either way a thread blocked in a C call (a sleep, a socket read) stops once
the call returns. Must run on CPython 3.8 through 3.13.
"""

import os
import sys
import threading

_RUNNER_FILES = os.path.dirname(os.path.abspath(__file__))  # our own frames are not stopped in


def interrupt(ident):
    """Start interrupting thread ident; returns a function that cancels
    what is still pending (the call ended before it took effect)."""
    if hasattr(sys, "monitoring"):
        return _monitor(ident)
    return _async_exc(ident)


def _app_codes(ident):
    """The code objects on thread ident's stack that are not the runner's."""
    frame = sys._current_frames().get(ident)
    codes = []
    while frame is not None:
        code = frame.f_code
        if not code.co_filename.startswith(_RUNNER_FILES) and code.co_filename != threading.__file__:
            codes.append(code)
        frame = frame.f_back
    return codes


def _monitor(ident):
    mon = sys.monitoring
    tool = None
    for candidate in (mon.DEBUGGER_ID, 3, 4):
        try:
            mon.use_tool_id(candidate, "wsgidev interrupt")
            tool = candidate
            break
        except ValueError:  # another debugger or profiler holds it
            continue
    if tool is None:
        return _async_exc(ident)
    codes = _app_codes(ident)
    lock = threading.Lock()
    done = []

    def stop():
        with lock:
            if done:
                return False
            done.append(True)
        for code in codes:
            mon.set_local_events(tool, code, 0)
        mon.register_callback(tool, mon.events.LINE, None)
        mon.free_tool_id(tool)
        return True

    def on_line(code, line):
        if threading.get_ident() != ident or not stop():
            return None
        import pdb
        debugger = pdb.Pdb()
        debugger.message("\nProgram interrupted. (Use 'cont' to resume).")
        debugger.set_trace(sys._getframe(1))
        return None

    mon.register_callback(tool, mon.events.LINE, on_line)
    for code in codes:
        mon.set_local_events(tool, code, mon.events.LINE)
    return stop


def _async_exc(ident):
    import ctypes

    if not _app_codes(ident):
        # Not in the app's code (between calls, or about to end): an
        # exception there would reach the runner instead.
        return lambda: True
    raise_in = ctypes.pythonapi.PyThreadState_SetAsyncExc
    raise_in(ctypes.c_ulong(ident), ctypes.py_object(KeyboardInterrupt))

    def cancel():
        raise_in(ctypes.c_ulong(ident), None)  # NULL: forget it if still pending
        return True

    return cancel
