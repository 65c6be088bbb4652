"""Runs a starter app from `wsgidev new` under wsgiref.validate, the
standard library's WSGI checker, with every warning an error.

    python3 validate.py path/to/app.py

It sends a few requests (GET, GET with a query, urlencoded POSTs with
and without CONTENT_LENGTH, a JSON POST, a PUT, an unknown path), reads each body to its end and closes it, and prints one
line per request; any breach of PEP 3333 the validator sees raises, and
so does an import from outside the standard library."""

import importlib.util
import io
import sys
import warnings
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

warnings.simplefilter("error")


def load(path):
    """The app's callable; the app may import the standard library only."""
    before = set(sys.modules)
    spec = importlib.util.spec_from_file_location("starter_app", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    imported = {name.split(".")[0] for name in set(sys.modules) - before}
    outside = sorted(imported - set(sys.stdlib_module_names) - {"starter_app"})
    if outside:
        raise SystemExit("%s imports %s, outside the standard library" % (path, ", ".join(outside)))
    return module.application


def call(app, method, path, query="", body=b"", content_type=None, chunked=False):
    environ = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
               "wsgi.input": io.BytesIO(body), "wsgi.errors": io.StringIO()}
    if chunked:  # no CONTENT_LENGTH: the body ends where wsgi.input does
        environ["wsgi.input_terminated"] = True
    elif body:
        environ["CONTENT_LENGTH"] = str(len(body))
    if content_type:
        environ["CONTENT_TYPE"] = content_type
    setup_testing_defaults(environ)
    seen = []

    def start_response(status, headers, exc_info=None):
        seen.append(status)
        return lambda data: None

    result = app(environ, start_response)
    try:
        size = sum(len(chunk) for chunk in result)
    finally:
        result.close()
    print("%s %s?%s -> %s, %d bytes" % (method, path, query, seen[-1], size))


def main():
    app = validator(load(sys.argv[1]))
    call(app, "GET", "/")
    call(app, "GET", "/", "name=Ada")
    call(app, "POST", "/", body=b"name=%3Cb%3EAda%3C%2Fb%3E&message=1+%3C+2",
         content_type="application/x-www-form-urlencoded")
    call(app, "POST", "/", body=b"name=chunked", content_type="application/x-www-form-urlencoded", chunked=True)
    call(app, "POST", "/", body=b"{}", content_type="application/json")
    call(app, "PUT", "/")
    call(app, "GET", "/no/such/page")
    print("valid")


main()
