"""Finding the user's WSGI callable, and reporting which source files it uses.

The parent hands over the app spec already split (see appspec.go): a file or a
module to import, and an optional expression after the colon, which may only
be a name, a dotted attribute, or a call with literal arguments. Expressions
are parsed with ast and never evaluated.
"""

import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_NAMES = ("application", "app")
DEFAULT_FACTORIES = ("create_app", "make_app")


class LoadFailure(Exception):
    """The imported module gives no WSGI callable for the spec; the message
    says what to change, and a save can fix it."""


class AppSpecError(LoadFailure):
    """The spec after the colon can never give a callable (not a name, or a
    call with arguments that are not literals): no save fixes it."""


def load_app(file, module, expr, django_static=False):
    """Import the app and return (callable, info) where info goes into READY.
    With django_static, a Django app serves its static files as under
    runserver (serve_django_static)."""
    plan = parse_expr(expr) if expr else None  # refused before anything runs
    if file:
        module = prepare_file_import(file)
    else:
        sys.path.insert(0, os.getcwd())
    mod = importlib.import_module(module)
    obj, how = find_callable(mod, plan, file or module)
    if not callable(obj):
        raise LoadFailure("%s gave %r, which is not callable; a WSGI app is a callable "
                          "app(environ, start_response)" % (how, obj))
    info = {
        "module": module,
        "file": getattr(mod, "__file__", None) or "",
        "callable": how,
        "repr": safe_repr(obj),
        "path": list(sys.path),
        "static": "",
    }
    if django_static:
        obj, info["static"] = serve_django_static(obj)
    return obj, info


def serve_django_static(app):
    """runserver's rule for static files: a Django app with DEBUG on and
    django.contrib.staticfiles installed is wrapped in staticfiles' own
    handler, which serves STATIC_URL from the apps' static folders (the
    admin's CSS among them). Returns the app to serve and the STATIC_URL
    served, or the app itself and ""."""
    if "django" not in sys.modules:
        return app, ""  # not Django: nothing imported to find out
    from django.core.handlers.wsgi import WSGIHandler
    if not isinstance(app, WSGIHandler):
        return app, ""
    from django.apps import apps
    from django.conf import settings
    if not settings.DEBUG or not apps.is_installed("django.contrib.staticfiles"):
        return app, ""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    return StaticFilesHandler(app), settings.STATIC_URL


def prepare_file_import(path):
    """Put the folder that makes ``path`` importable first on sys.path and
    return its dotted module name: a file inside packages (folders with
    __init__.py, like Django's mysite/mysite/wsgi.py) is imported as
    ``mysite.wsgi`` from the folder above the top package, as Flask does."""
    path = os.path.realpath(path)
    folder, name = os.path.split(path)
    name = os.path.splitext(name)[0]
    parts = [] if name == "__init__" else [name]
    while os.path.exists(os.path.join(folder, "__init__.py")):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
    sys.path.insert(0, folder)
    return ".".join(parts)


def parse_expr(expr):
    """What the spec after the colon asks for, as (expr, names, call) where
    call is None for a name or (args, kwargs) of literals for a factory."""
    import ast
    expr = expr.strip()
    try:
        node = ast.parse(expr, mode="eval").body
    except SyntaxError:
        raise AppSpecError("cannot parse %r after the colon: give a name (app), a dotted name "
                           "(module.app) or a call with literal arguments (create_app('dev'))" % expr)
    call = None
    if isinstance(node, ast.Call):
        if any(k.arg is None for k in node.keywords):
            raise AppSpecError("**kwargs are not supported in %r; name each argument" % expr)
        try:
            call = ([ast.literal_eval(a) for a in node.args],
                    {k.arg: ast.literal_eval(k.value) for k in node.keywords})
        except ValueError:
            raise AppSpecError("the arguments in %r must be literals (strings, numbers, True, None, "
                               "lists, dicts); wsgidev never evaluates code from the spec. Read the "
                               "value in the factory instead (os.getcwd(), os.environ)" % expr)
        node = node.func
    names = []
    while isinstance(node, ast.Attribute):
        names.insert(0, node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise AppSpecError("%r is neither a name nor a call of a name" % expr)
    return expr, [node.id] + names, call


def find_callable(mod, plan, where):
    if plan is None:
        for name in DEFAULT_NAMES:
            if callable(getattr(mod, name, None)):
                return getattr(mod, name), name
        for name in DEFAULT_FACTORIES:
            if callable(getattr(mod, name, None)):
                return getattr(mod, name)(), name + "()"
        raise LoadFailure("no WSGI callable found in %s: looked for application, app, create_app() "
                          "and make_app(). Name it in the spec, e.g. %s:myapp; %s"
                          % (where, where, defines(mod, mod)))
    expr, names, call = plan
    obj = mod
    for i, name in enumerate(names):
        if not hasattr(obj, name):
            raise LoadFailure("%s has no attribute %r; %s"
                              % (where if i == 0 else ".".join(names[:i]), name, defines(obj, mod)))
        obj = getattr(obj, name)
    if call is not None:
        return obj(*call[0], **call[1]), expr
    return obj, expr


def defines(obj, mod, most=12):
    """Says which callables obj (the module, or an object in it) has that a
    spec could name: its own functions and classes and callable objects,
    not what it imported."""
    import types
    found = []
    for name in sorted(vars(obj) if isinstance(obj, types.ModuleType) else dir(obj)):
        if name.startswith("_"):
            continue
        value = getattr(obj, name, None)
        if not callable(value) or isinstance(value, types.ModuleType):
            continue
        if isinstance(value, (type, types.FunctionType)) and getattr(value, "__module__", None) != mod.__name__:
            continue  # imported from elsewhere
        found.append(name)
    if not found:
        return "it defines no callables"
    more = ", ..." if len(found) > most else ""
    return "it defines: " + ", ".join(found[:most]) + more


def safe_repr(obj):
    try:
        text = repr(obj)
    except Exception:
        text = "<%s object>" % type(obj).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def format_exception(e):
    """The traceback without wsgidev's own frames (the runner's above the
    app, a layer boundary's between two layers) or importlib's above the
    app's import."""
    import traceback
    skip = (HERE, os.path.dirname(importlib.__file__))
    tb = e.__traceback__
    while tb is not None and (os.path.dirname(tb.tb_frame.f_code.co_filename) in skip
                              or tb.tb_frame.f_code.co_filename.startswith("<frozen importlib")):
        tb = tb.tb_next
    shown = traceback.TracebackException(type(e), e, tb)
    for te in chained(shown):
        if any(os.path.dirname(f.filename) == HERE for f in te.stack):
            te.stack = traceback.StackSummary.from_list([f for f in te.stack if os.path.dirname(f.filename) != HERE])
    return clip("".join(shown.format()))


def chained(te):
    """te and the exceptions it was raised from or during, each once."""
    seen = []
    while te is not None and all(te is not s for s in seen):
        seen.append(te)
        te = te.__cause__ or te.__context__
    return seen


MAX_TEXT = 1 << 18  # characters of one message or traceback: a frame (16 MiB) always holds it


def clip(text):
    """text, cut with a marker if it is longer than MAX_TEXT characters: an
    exception whose message is megabytes long is still reported."""
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + "\n... [cut by wsgidev: %d more characters]" % (len(text) - MAX_TEXT)


_reported = set()
_skip = []


def library_folders():
    """The standard library's and site-packages' folders, found once."""
    if _skip:
        return _skip
    import sysconfig
    skip = set()
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        p = sysconfig.get_paths().get(key)
        if p:
            skip.update((p, os.path.realpath(p)))
    try:
        import site
        for p in site.getsitepackages() + [site.getusersitepackages()]:
            skip.update((p, os.path.realpath(p)))
    except Exception:
        pass
    _skip.extend(sorted(skip))
    return _skip


def new_module_files():
    """Source files of modules imported since the last call, outside the
    standard library and site-packages: the files a reloader must watch."""
    skip = tuple(s + os.sep for s in library_folders())
    files = []
    for mod in list(sys.modules.values()):
        path = getattr(mod, "__file__", None)
        if not path or path in _reported:
            continue
        _reported.add(path)
        if path.startswith(skip):
            continue  # most modules: no realpath (a few stat calls each) needed
        real = os.path.realpath(path)
        if real.endswith((".pyc", ".pyo")) or os.path.dirname(real) == HERE or real.startswith(skip):
            continue
        files.append(real)
    return files


def library_modules(names):
    """Those of the imported modules ``names`` that come from the standard library or
    site-packages: what a warm template may preload (see _wsgidev_template)."""
    skip = tuple(s + os.sep for s in library_folders())
    libs = []
    for name in names:
        path = getattr(sys.modules.get(name), "__file__", None)
        if path and path.startswith(skip) and not name.startswith("_wsgidev") and name != "__main__":
            libs.append(name)
    return libs


def cache_own_bytecode():
    """Under PYTHONDONTWRITEBYTECODE (common in containers) Python compiles
    the runner from source at every start, about 10 ms; its folder is
    wsgidev's own, so write the bytecode once anyway. Existing bytecode is
    read whatever that variable says."""
    if not sys.dont_write_bytecode:
        return
    try:
        import importlib.util
        sources = [os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".py")]
        missing = [f for f in sources if not os.path.exists(importlib.util.cache_from_source(f))]
        if missing:
            import py_compile
            for f in missing:
                py_compile.compile(f, cfile=importlib.util.cache_from_source(f), doraise=True)
    except Exception:
        pass  # a read-only cache folder: compile each time, as before
