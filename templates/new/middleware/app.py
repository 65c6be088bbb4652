"""Middleware: a WSGI app that wraps another WSGI app.

Run it with:   wsgidev serve app.py
Then try:      curl -i http://127.0.0.1:8000/

To the server, middleware looks like an app: it is called with (environ,
start_response). To the app inside, it looks like the server: it calls the
app with an environ and a start_response of its own. In between it can
change anything on the way in (the environ) and on the way out (the status,
the headers, the body). PEP 3333 calls this "Components that Play Both Sides".

This file has a plain app, `hello`, and a middleware, `RequestID`, that
  - on the way in, gives every request an id and puts it in the environ,
    so the app (and anything else) can log it;
  - on the way out, adds an X-Request-Id response header with the same id.

wsgidev serves `application` at the bottom: the app wrapped in middleware.
Stack more by wrapping again: application = Other(RequestID(hello)).
"""

import itertools
import threading


def hello(environ, start_response):
    """The app inside: it knows nothing about the middleware around it,
    except that it may find the middleware's key in the environ."""
    request_id = environ.get("requestid.id", "none")
    body = (
        f"Hello from the app inside the middleware.\n"
        f"The middleware gave this request the id {request_id}.\n"
        f"Look for the same id in the X-Request-Id response header.\n"
    ).encode("utf-8")
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])
    return [body]


class RequestID:
    """Middleware that numbers requests: environ["requestid.id"] on the way
    in, an X-Request-Id header on the way out."""

    def __init__(self, app):
        self.app = app
        # Requests can run at the same time on several threads
        # (environ["wsgi.multithread"] is True under wsgidev), so the counter
        # is guarded by a lock.
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self._lock:
            request_id = f"req-{next(self._counter)}"

        # On the way in: change the environ. PEP 3333 asks servers to name
        # their own keys in lower case with a prefix of their own (like
        # "mod_python.some_variable"); middleware does the same, so its keys
        # never clash with CGI keys or another component's.
        environ["requestid.id"] = request_id

        # On the way out: wrap start_response to see and change the headers.
        # Keep its exact shape, exc_info included: an app's error handler
        # calls start_response again with exc_info, and that must still work.
        def start_response_with_id(status, headers, exc_info=None):
            headers = list(headers) + [("X-Request-Id", request_id)]
            # Return what the real start_response returns: the write()
            # callable, which some old apps still use.
            return start_response(status, headers, exc_info)

        # Return the app's iterable unchanged. Wrapping it would mean passing
        # on close() too, which the server must call when the request ends.
        return self.app(environ, start_response_with_id)


# What wsgidev serves: the app, wrapped in the middleware.
application = RequestID(hello)
