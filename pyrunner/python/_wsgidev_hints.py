"""Hints about a framework that hides an app's error from wsgidev.

Flask answers an unhandled exception with its own bare 500 page unless debug
mode (FLASK_DEBUG=1) or PROPAGATE_EXCEPTIONS is on, so the exception never
reaches wsgidev and its traceback page. Flask announces every unhandled
exception with its got_request_exception signal (blinker), before it decides
whether to propagate it: a call that saw the signal and then ended without an
exception is one whose exception Flask kept. The runner sends that as a HINT
frame (PROTOCOL.md); the parent says it once.

Must run on CPython 3.8 through 3.13.
"""

import sys

from _wsgidev_streams import current

FLASK_SWALLOWED = "flask-swallowed"


def install():
    """Listen to Flask's signal if the app imported Flask. Flask before 2.3
    without blinker has no signals: then there is no hint, and no harm."""
    flask = sys.modules.get("flask")
    signal = getattr(flask, "got_request_exception", None)
    if signal is None:
        return
    try:
        signal.connect(_flask_exception, weak=False)
    except Exception:
        pass


def _flask_exception(sender, exception=None, **extra):
    call = getattr(current, "call", None)
    if call is not None and exception is not None:
        call.flask_exception = "%s: %s" % (type(exception).__name__, _text(exception))


def after_call(call, environ, error):
    """The hint a call that ended gives, or None: an exception Flask
    announced that did not come out of the app."""
    seen = getattr(call, "flask_exception", None)
    if seen is None or error is not None:
        return None
    return {"kind": FLASK_SWALLOWED, "exception": seen[:500], "status": call.status or "",
            "request": "%s %s" % (environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))}


def _text(value):
    try:
        return str(value)
    except Exception:
        return "(str() of it raised)"
