"""Served as path/to/app.py: only app is defined, so the default order finds it."""


def app(environ, start_response):
    body = b"path/to/app.py app"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
