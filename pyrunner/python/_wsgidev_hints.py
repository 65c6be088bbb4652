"""What the frameworks announce of an app's error they answer themselves,
and the hint that gives.

Flask and Django announce an unhandled exception with their
got_request_exception signal; the listener notes it on the call
(call.announced: the framework and the exception). Post-mortem keeps it
(_wsgidev_postmortem.py), and for Flask it gives a hint:

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


# framework, module, signal: where each announces an exception it answers.
SIGNALS = (("flask", "flask", "got_request_exception"), ("django", "django.core.signals", "got_request_exception"))


def install():
    """Listen to the signals of the frameworks the app imported. Flask
    before 2.3 without blinker has no signals: then nothing is heard, and
    no harm."""
    for framework, module, name in SIGNALS:
        signal = getattr(sys.modules.get(module), name, None)
        if signal is None:
            continue
        try:
            signal.connect(_listener(framework), weak=False)
        except Exception:
            pass


def _listener(framework):
    def announced(sender, exception=None, **extra):
        # Flask passes the exception; Django sends the signal inside its except.
        call = getattr(current, "call", None)
        if call is not None:
            call.announced = (framework, exception if exception is not None else sys.exc_info()[1])
    return announced


def after_call(call, environ, error):
    """The hint a call that ended gives, or None: an exception Flask
    announced that did not come out of the app."""
    seen = getattr(call, "announced", None)
    if seen is None or seen[0] != "flask" or seen[1] is None or error is not None:
        return None
    e = seen[1]
    return {"kind": FLASK_SWALLOWED, "exception": ("%s: %s" % (type(e).__name__, _text(e)))[:500],
            "status": call.status or "",
            "request": "%s %s" % (environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""))}


def _text(value):
    try:
        return str(value)
    except Exception:
        return "(str() of it raised)"
