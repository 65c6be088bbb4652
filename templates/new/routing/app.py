"""Routing: one WSGI app that sends each request to another, by its path.

Run it with:   wsgidev serve app.py
Then try:      curl -i http://127.0.0.1:8000/blog/2024/hello
               curl -i http://127.0.0.1:8000/api/status
Open the Layers tab (8) in wsgidev's inspector to watch the prefix move.

A WSGI app does not have to answer a request itself: it can call another
app, as a server would. This file mounts two small apps under prefixes, the
way werkzeug's DispatcherMiddleware or a framework's "mount" does:

    /blog/...  ->  blog     /api/...  ->  api     anything else  ->  index

The dispatcher moves the prefix from PATH_INFO to SCRIPT_NAME before it
calls the app for that prefix. For GET /blog/2024/hello:

    the server passes    SCRIPT_NAME = ''        PATH_INFO = '/blog/2024/hello'
    the blog app gets    SCRIPT_NAME = '/blog'   PATH_INFO = '/2024/hello'

So the blog app routes on PATH_INFO as if it stood at the root, and still
knows where it is mounted: SCRIPT_NAME + PATH_INFO is always the whole path
(PEP 3333, "URL Reconstruction"). Mount it elsewhere and it needs no change.
"""

import json
from html import escape


def blog(environ, start_response):
    """A blog mounted at /blog: its own paths start after the prefix."""
    path = environ["PATH_INFO"]
    base = environ["SCRIPT_NAME"]  # where it is mounted, for its own links
    body = (
        "<!doctype html>\n<title>Blog</title>\n"
        "<p>The blog app got PATH_INFO %s and SCRIPT_NAME %s.</p>\n"
        '<p><a href="%s/">Back to the blog\'s front page</a></p>\n'
        % (escape(repr(path)), escape(repr(base)), escape(base))
    ).encode("utf-8")
    start_response("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])
    return [body]


def api(environ, start_response):
    """A JSON API mounted at /api."""
    body = json.dumps({
        "script_name": environ["SCRIPT_NAME"],
        "path_info": environ["PATH_INFO"],
        "method": environ["REQUEST_METHOD"],
    }).encode("utf-8")
    start_response("200 OK", [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
    ])
    return [body]


def index(environ, start_response):
    """Every path no prefix claims: a page that links to the mounted apps,
    or a 404 for a path that is nowhere."""
    if environ["PATH_INFO"] not in ("", "/"):
        body = b"Not found: no app is mounted there.\n"
        start_response("404 Not Found", [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ])
        return [body]
    body = (
        b"<!doctype html>\n<title>Routing</title>\n"
        b'<p><a href="/blog/2024/hello">/blog/2024/hello</a> goes to the blog app,\n'
        b'<a href="/api/status">/api/status</a> to the API.</p>\n'
    )
    start_response("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])
    return [body]


class Router:
    """Middleware that dispatches on the first part of the path.

    `mounts` maps a prefix to the app mounted there; `app` answers the rest.
    (wsgidev's Layers tab finds the apps by these names, as it finds those
    of werkzeug's DispatcherMiddleware.)
    """

    def __init__(self, app, mounts):
        self.app = app
        self.mounts = mounts

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        for prefix, app in self.mounts.items():
            if path == prefix or path.startswith(prefix + "/"):
                # Move the prefix: off the front of PATH_INFO, onto the end
                # of SCRIPT_NAME. The environ is this request's own, so
                # changing it touches no other request.
                environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + prefix
                environ["PATH_INFO"] = path[len(prefix):]
                return app(environ, start_response)
        return self.app(environ, start_response)


# What wsgidev serves: the router, with two apps mounted and a fallback.
application = Router(index, {"/blog": blog, "/api": api})
