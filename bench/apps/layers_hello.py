"""Hello world under two middleware: the three layers the layers part of the
bench records (wsgidev with and without --no-layers).

The outer middleware adds an environ key and a response header, the inner
one changes an environ value, as real middleware (request ids, ProxyFix) do.
"""

import itertools

BODY = b"Hello, world!\n"


def hello(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))])
    return [BODY]


def scheme(app):
    """Closure middleware: the scheme a proxy would have set."""

    def middleware(environ, start_response):
        environ["wsgi.url_scheme"] = "https"
        return app(environ, start_response)

    return middleware


class RequestID:
    """Class middleware: an id in the environ and in a response header."""

    def __init__(self, app):
        self.app = app
        self.ids = itertools.count(1)

    def __call__(self, environ, start_response):
        rid = "req-%d" % next(self.ids)
        environ["requestid.id"] = rid

        def start(status, headers, exc_info=None):
            return start_response(status, headers + [("X-Request-Id", rid)], exc_info)

        return self.app(environ, start)


application = RequestID(scheme(hello))
