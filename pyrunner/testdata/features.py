"""Touches every part of the runner a call can reach, for the version matrix."""
import sys


def application(environ, start_response):
    inp = environ["wsgi.input"]
    first = inp.readline()
    rest = inp.read()
    environ["wsgi.errors"].write("errors line\n")
    print("stdout line")
    try:
        raise KeyError("x")
    except KeyError:
        start_response("500 Oops", [("Content-Type", "text/plain")])
        write = start_response("200 OK", [("Content-Type", "text/plain")], sys.exc_info())
    write(b"w:")

    def body():
        yield first
        yield rest
        yield ("%d.%d" % sys.version_info[:2]).encode()
    return body()
