"""The served app's layers: the WSGI callables it wraps, found at load
(PROTOCOL.md, "Layers"); _wsgidev_boundary.py records what each request
changes between them.

install() follows the attributes through which a middleware holds the next
WSGI callable (app, application, wsgi_app, wrapped, __wrapped__, a dict of
mounts, a closure's one WSGI callable) and puts a Boundary where each is
held: in the object's own attribute, the dict's item, the closure's cell.
That is all it changes: never a class, so other instances and the warm
template are untouched. The patches live as long as the child: a reload
starts a new child (or a fork of the warm template, which never imported
the app), so there is nothing to restore. Must run unchanged on CPython 3.8
through 3.13.
"""

import os
import re
import sys
import types

from _wsgidev_boundary import Boundary, call_app, end_call, stack  # noqa: F401 (the runner's)
from _wsgidev_loader import safe_repr

# Attributes through which middleware holds the next app, most common first.
HOLDERS = ("app", "application", "wsgi_app", "wrapped", "__wrapped__")
MOUNTS = ("mounts",)  # werkzeug's DispatcherMiddleware: {prefix: app}
MAX_LAYERS = 64
MAX_DEPTH = 16
CO_VARARGS = 0x04


class Layer(object):
    """One WSGI callable of the stack, found at load."""

    __slots__ = ("index", "parent", "name", "where", "via", "hidden")

    def __init__(self, index, parent, obj, via, root):
        self.index = index
        self.parent = parent
        self.name = layer_name(obj)
        self.where = defined_at(obj, root)
        self.via = via
        self.hidden = False


# -- finding the layers ------------------------------------------------------

def install_layers(app, enabled):
    """Find app's layers, put a Boundary where each is held, and return what
    READY says of them: [] when turned off (--no-layers)."""
    if not enabled:
        return []
    root = sys.path[0] if sys.path else ""
    found = []
    walk(app, -1, "", None, root, found, [])
    stack.layers = [layer for layer, _ in found]
    stack.up = [layer.parent for layer in stack.layers]
    trampoline(app, found)
    if stack.up == list(range(-1, len(stack.up) - 1)) and not any(layer.hidden for layer in stack.layers):
        stack.chain = list(range(len(stack.up)))
    for layer, patch in found:
        if patch is not None:
            patch(Boundary(layer.index, patch.inner))
    shown = [layer for layer in stack.layers if not layer.hidden]
    stack.shown = {layer.index: n for n, layer in enumerate(shown)}
    stack.recording = len(shown) > 1
    stack.top = Boundary(0, app)
    return [{"name": layer.name, "where": layer.where, "via": layer.via,
             "parent": shown_parent(layer)} for layer in shown]


def shown_parent(layer):
    """The index in READY's list of the nearest shown layer above."""
    parent = layer.parent
    while parent >= 0 and parent not in stack.shown:
        parent = stack.layers[parent].parent
    return stack.shown.get(parent, -1)


def walk(obj, parent, via, patch, root, found, path):
    if len(found) >= MAX_LAYERS or len(path) >= MAX_DEPTH:
        return
    layer = Layer(len(found), parent, obj, via, root)
    found.append((layer, patch))
    if isinstance(obj, types.MethodType):
        return  # a bound method (Flask's wsgi_app) is where its object's own work is: a leaf
    path = path + [id(obj)]
    for inner_via, inner, inner_patch in held_apps(obj):
        if id(inner) not in path:
            walk(inner, layer.index, inner_via, inner_patch, root, found, path)


def held_apps(obj):
    """(via, app, patch) for each WSGI callable obj holds where its code
    looks it up per call."""
    if isinstance(obj, types.FunctionType):
        cells = [(c, c.cell_contents) for c in (obj.__closure__ or ()) if cell_is_wsgi(c)]
        if len(cells) == 1:
            cell, inner = cells[0]
            name = obj.__code__.co_freevars[obj.__closure__.index(cell)]
            return [("closure " + name, inner, Patch(inner, cell_setter(cell)))]
        return []
    attrs = getattr(obj, "__dict__", None)
    if not isinstance(attrs, dict):
        return []
    held = []
    for name in HOLDERS:
        inner = attrs.get(name)
        if inner is not None and inner is not obj and is_wsgi(inner):
            held.append((name, inner, Patch(inner, attr_setter(obj, name))))
    for name in MOUNTS:
        mounts = attrs.get(name)
        if isinstance(mounts, dict):
            for prefix, inner in list(mounts.items()):
                if isinstance(prefix, str) and is_wsgi(inner):
                    held.append(("%s[%r]" % (name, prefix), inner, Patch(inner, item_setter(mounts, prefix))))
    return held


def trampoline(app, found):
    """Flask's pattern, app.wsgi_app = ProxyFix(app.wsgi_app): the served
    object only passes the call on to its own wsgi_app, and the layer at the
    bottom is its wsgi_app method. It is shown once, at the bottom."""
    top = found[0][0]
    attrs = getattr(app, "__dict__", None)
    if not isinstance(attrs, dict) or "wsgi_app" not in attrs or len(found) < 2:
        return
    if not isinstance(getattr(type(app), "wsgi_app", None), types.FunctionType):
        return
    for layer, _ in found[1:]:
        if layer.parent == top.index and layer.via != "wsgi_app":
            return  # it holds other apps too: it is a layer of its own
    top.hidden = True


def is_wsgi(obj):
    """obj can be called as app(environ, start_response): a function, a bound
    method or an object whose Python __call__ takes two arguments. C
    callables are passed over: their signature cannot be read cheaply."""
    if isinstance(obj, type) or not callable(obj):
        return False
    skip = 0
    fn = obj
    if isinstance(obj, types.MethodType):
        fn, skip = obj.__func__, 1
    elif not isinstance(obj, types.FunctionType):
        fn, skip = getattr(type(obj), "__call__", None), 1
    if isinstance(fn, Boundary):
        return True
    if not isinstance(fn, types.FunctionType):
        return False
    code = fn.__code__
    positional = code.co_argcount - skip
    required = positional - len(fn.__defaults__ or ())
    return required <= 2 and (positional >= 2 or bool(code.co_flags & CO_VARARGS))


def cell_is_wsgi(cell):
    try:
        return is_wsgi(cell.cell_contents)
    except ValueError:  # an empty cell
        return False


class Patch(object):
    """Puts a Boundary where a layer is held."""

    __slots__ = ("inner", "put")

    def __init__(self, inner, put):
        self.inner = inner
        self.put = put

    def __call__(self, boundary):
        try:
            self.put(boundary)
        except Exception:
            pass  # read-only (a property, slots): that boundary goes unrecorded


def attr_setter(obj, name):
    return lambda value: setattr(obj, name, value)


def item_setter(mapping, key):
    return lambda value: mapping.__setitem__(key, value)


def cell_setter(cell):
    def put(value):
        cell.cell_contents = value
    return put


def layer_name(obj):
    """How a teacher names the layer: Flask 'app', ProxyFix, a function's
    qualified name."""
    if isinstance(obj, types.MethodType):
        owner = layer_name(obj.__self__)
        return owner if obj.__name__ == "wsgi_app" else owner + "." + obj.__name__
    if isinstance(obj, types.FunctionType):
        return obj.__qualname__
    cls = type(obj)
    if cls.__repr__ is not object.__repr__:
        text = safe_repr(obj)
        if text.startswith("<") and text.endswith(">") and len(text) <= 60 and " at 0x" not in text:
            return text[1:-1]
    return cls.__name__


def defined_at(obj, root):
    """Where the layer's code is: "app.py:12" for the project's files (from
    root), "werkzeug/middleware/proxy_fix.py:58" for a library's."""
    if isinstance(obj, types.MethodType):
        obj = obj.__func__
    if isinstance(obj, types.FunctionType):
        code = obj.__code__
        return short_path(code.co_filename, root) + ":%d" % code.co_firstlineno
    cls = type(obj)
    mod = sys.modules.get(cls.__module__)
    path = getattr(mod, "__file__", None)
    if not path:
        return ""
    call = getattr(cls, "__call__", None)
    line = call.__code__.co_firstlineno if isinstance(call, types.FunctionType) else 0
    return short_path(path, root) + ":%d" % (class_line(path, cls.__name__, line) or line)


def class_line(path, name, before):
    """The line of ``class name`` in path, the last one before line ``before``."""
    import linecache
    pattern = re.compile(r"\s*class\s+%s\b" % re.escape(name))
    lines = linecache.getlines(path)
    end = before if before else len(lines)
    for i in range(min(end, len(lines)) - 1, -1, -1):
        if pattern.match(lines[i]):
            return i + 1
    return 0


def short_path(path, root):
    path = os.path.abspath(path)
    if root and path.startswith(os.path.abspath(root) + os.sep):
        return os.path.relpath(path, root)
    for marker in ("site-packages", "dist-packages"):
        at = path.rfind(os.sep + marker + os.sep)
        if at >= 0:
            return path[at + len(marker) + 2:]
    return path


