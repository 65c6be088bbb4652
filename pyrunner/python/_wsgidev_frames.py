"""An exception's frames as data, for the parent's debug page and inspector.

For each frame of the traceback (wsgidev's own and importlib's left out, as
in format_exception): its file, line and function, the source lines around
the line, whether it is the app's code or a library's (the standard library,
site-packages), and its local variables as reprs, cut to a length; a repr
that raises is shown as such. Nothing here may fail the failure report:
whatever goes wrong gives fewer frames, never an exception. No code from the
browser ever runs: the parent shows text.

Must run on CPython 3.8 through 3.13.
"""

import linecache
import os
import reprlib

from _wsgidev_loader import HERE, library_folders

CONTEXT = 5  # source lines shown on each side of a frame's line
LINE_CHARS = 240  # a source line is cut here
MAX_FRAMES = 20  # the innermost ones; a deeper stack loses its outer end
MAX_LOCALS = 40  # per frame
REPR_CHARS = 240  # a local's repr is cut here
BUDGET = 64 * 1024  # characters of reprs for one failure, all frames together


def describe_frames(e):
    """The frames of e's traceback, outermost first, as JSON-ready dicts."""
    try:
        return _describe(e)
    except Exception:
        return []


def _describe(e):
    frames = []
    tb = e.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if os.path.dirname(filename) != HERE and not filename.startswith("<frozen importlib"):
            frames.append((tb.tb_frame, tb.tb_lineno))
        tb = tb.tb_next
    frames = frames[-MAX_FRAMES:]
    budget = [BUDGET]
    # Innermost first for the budget: the frames nearest the error keep
    # their locals when a deep stack has more than it holds.
    out = [_frame(frame, line, budget) for frame, line in reversed(frames)]
    out.reverse()
    return out


def _frame(frame, line, budget):
    code = frame.f_code
    start = max(1, line - CONTEXT)
    lines = linecache.getlines(code.co_filename, frame.f_globals)[start - 1:line + CONTEXT]
    d = {
        "file": code.co_filename,
        "line": line,
        "function": code.co_name,
        "library": _is_library(code.co_filename),
        "context_start": start,
        "context": [_cut(s.rstrip("\r\n"), LINE_CHARS) for s in lines],
    }
    d["locals"], d["locals_left"] = _locals(frame, budget)
    return d


def _locals(frame, budget):
    """The frame's variables as [{"name", "repr"}], and how many were left
    out (past MAX_LOCALS, or past the failure's budget)."""
    try:
        variables = dict(frame.f_locals)
    except Exception:
        return [], 0
    names = [n for n in variables if not (n.startswith("__") and n.endswith("__"))]
    shown = []
    for name in names[:MAX_LOCALS]:
        if budget[0] <= 0:
            break
        text = safe_repr(variables[name])
        budget[0] -= len(name) + len(text)
        shown.append({"name": name, "repr": text})
    return shown, len(names) - len(shown)


def _is_library(filename):
    if filename.startswith("<"):
        return True  # <frozen …>, <string>: not a file of the app's
    return filename.startswith(tuple(f + os.sep for f in library_folders()))


class _Repr(reprlib.Repr):
    """reprlib's bounded reprs (a list of a million items costs ten), except
    that an object whose __repr__ raises says so."""

    def __init__(self):
        reprlib.Repr.__init__(self)
        self.maxlevel = 3
        self.maxstring = self.maxother = REPR_CHARS
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = self.maxdeque = self.maxdict = 12

    def repr_instance(self, x, level):
        try:
            return _cut(repr(x), self.maxother)
        except BaseException as e:  # a repr must never end the report
            return "<repr() of this %s raised %s: %s>" % (_type_name(x), type(e).__name__, _cut(_str(e), 80))


_repr = _Repr()


def safe_repr(value):
    try:
        return _cut(_repr.repr(value), REPR_CHARS)
    except BaseException as e:
        return "<repr() of this %s raised %s>" % (_type_name(value), type(e).__name__)


def _cut(text, most):
    return text if len(text) <= most else text[:most - 1] + "\u2026"


def _str(e):
    try:
        return str(e)
    except BaseException:
        return "?"


def _type_name(x):
    try:
        return type(x).__name__
    except BaseException:
        return "object"
