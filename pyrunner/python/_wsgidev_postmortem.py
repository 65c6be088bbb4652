"""Post-mortem debugging: the tracebacks of the last failures, kept alive.

When a call fails, its exception's traceback is kept (the most recent
``keep_failures`` of them, from WSGIDEV_APP), so that its frames and their
locals stay inspectable after the request is gone: the parent's
POST_MORTEM frame opens pdb on one of them, on a thread of its own, talking
over the same frames as a request's pdb (LOG for its output, INPUT and LINE
for its prompt, DONE at its end). Closing it frees those frames. A reload
frees them all: they live in this process.

With ``post_mortem`` on (wsgidev serve --pm), pdb opens on each failure
inside the request itself, before its DONE, so the request waits for the
user as under ``pytest --pdb``.

A framework that answers an exception with its own page (Django always,
Flask without debug mode) announces it with its got_request_exception
signal; the exception is kept from there.

Must run on CPython 3.8 through 3.13.
"""

import json
import os
import threading
from collections import OrderedDict
from types import TracebackType

from _wsgidev_loader import HERE
from _wsgidev_streams import current
from _wsgidev_wire import DONE, U32, Call, Cancelled

POST_MORTEM = 40  # parent → child: open pdb on the traceback kept for the call id in the payload
NOT_KEPT = "not-kept"  # the DONE kind of a session that found nothing to open
MAX_GONE = 1000  # failures whose fate is remembered after their traceback went


class Kept(object):
    """The tracebacks kept, oldest first, and why the ones gone went."""

    def __init__(self, bound, pm):
        self.bound = bound
        self.pm = pm  # open pdb inside each failing request (--pm)
        self.lock = threading.Lock()
        self.tracebacks = OrderedDict()  # call id → (traceback, "ZeroDivisionError: …")
        self.gone = OrderedDict()  # call id → why its traceback is no longer kept

    def keep(self, cid, e):
        tb = _app_traceback(e)
        if self.bound <= 0 or tb is None:
            return
        with self.lock:
            self.tracebacks[cid] = (tb, _summary(e))
            while len(self.tracebacks) > self.bound:
                old = next(iter(self.tracebacks))
                del self.tracebacks[old]
                self._went(old, "it was dropped: only the last %d failures are kept (--keep-failures %d), "
                           "and newer ones came after it" % (self.bound, self.bound))

    def take(self, cid):
        """The traceback kept for cid and its summary, taken out (the session
        owns it now); or None and why there is none."""
        with self.lock:
            kept = self.tracebacks.pop(cid, None)
            if kept is not None:
                self._went(cid, "its post-mortem was closed, which freed its frames")
                return kept, None
            if cid in self.gone:
                return None, self.gone[cid]
        if self.bound <= 0:
            return None, "no traceback is kept: --keep-failures is 0"
        return None, ("no traceback was kept for this request: the app did not raise, or its framework "
                      "answered without raising or announcing it (see the README on Flask and Django)")

    def _went(self, cid, why):
        self.gone[cid] = why
        while len(self.gone) > MAX_GONE:
            self.gone.popitem(last=False)


_kept = [Kept(0, False)]


def install(spec):
    """Set the bound from WSGIDEV_APP. What the frameworks announce is
    heard by _wsgidev_hints."""
    _kept[0] = Kept(int(spec.get("keep_failures") or 0), bool(spec.get("post_mortem")))


def after_call(call, failed):
    """A call ended: keep its exception (the one it raised, else the one
    its framework announced: call.announced, _wsgidev_hints.py), and with
    --pm open pdb on it first."""
    e = failed
    if e is None or isinstance(e, Cancelled):
        announced = getattr(call, "announced", None)
        e = announced[1] if announced is not None else None
    if e is None or isinstance(e, Cancelled):
        return
    kept = _kept[0]
    if kept.pm:
        _debug_in_request(call, e)
    kept.keep(call.cid, e)


def _debug_in_request(call, e):
    tb = _app_traceback(e)
    if tb is None:
        return
    current.call = call
    try:
        print("\n*** post-mortem: %s" % _summary(e))
        print("*** c or q lets the request go on (the client then gets the error page)")
        _pdb().post_mortem(tb)
    except Cancelled:
        pass  # the client went away
    finally:
        current.call = None


def open_session(wire, pool, calls, sid, payload):
    """POST_MORTEM: a pdb session with id sid on the traceback kept for the
    call in payload, on a thread of its own (that request's thread is gone)."""
    session = Call(wire, pool, sid, 0, 1 << 20, [])
    calls[sid] = session
    cid = U32.unpack(payload)[0]
    thread = threading.Thread(target=_session, args=(session, cid, calls), name="wsgidev-post-mortem-%d" % cid)
    thread.daemon = True
    thread.start()


def _session(session, cid, calls):
    kept, why = _kept[0].take(cid)
    error = None
    if kept is None:
        error = {"kind": NOT_KEPT, "message": why}
    else:
        tb, summary = kept
        current.call = session
        try:
            print("*** post-mortem: %s" % summary)
            _pdb().post_mortem(tb)
        except Cancelled:
            error = {"kind": "cancelled", "message": "the session was closed from wsgidev (a reload)"}
        finally:
            current.call = None
            tb = kept = None  # the frames go with the last reference
    calls.pop(session.cid, None)
    session.end_lines()
    session.queue(DONE, json.dumps(error).encode("utf-8") if error else b"")
    session.flush()


def _pdb():
    # Imported on first use: pdb brings cmd, bdb, inspect and more, which
    # would slow every child's start (and warm reloads) for nothing.
    import pdb
    return pdb


def _app_traceback(e):
    """e's traceback without wsgidev's own frames (the runner's, and any
    between the app's layers), so that pdb's ``up`` and ``down`` walk the
    app's frames only; None when none is the app's."""
    entries = []
    tb = getattr(e, "__traceback__", None)
    while tb is not None:
        if os.path.dirname(tb.tb_frame.f_code.co_filename) != HERE:
            entries.append(tb)
        tb = tb.tb_next
    kept = None
    for entry in reversed(entries):
        kept = TracebackType(kept, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return kept


def _summary(e):
    try:
        return "%s: %s" % (type(e).__name__, e)
    except Exception:
        return type(e).__name__
