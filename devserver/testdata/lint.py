"""One route per lint warning, each breaking exactly that rule and no other,
and /clean, which breaks none. Served raw: wsgiref.validate would stop them."""
import io
import sys

OK = [("Content-Type", "text/plain")]


def application(environ, start_response):
    path = environ["PATH_INFO"]
    if path == "/keywords":
        start_response(status="200 OK", headers=OK)
    elif path == "/status-header":
        start_response("200 OK", OK + [("Status", "200 OK")])
    elif path == "/name-chars":
        start_response("200 OK", OK + [("X.Dotted", "1")])
    elif path == "/name-end":
        start_response("200 OK", OK + [("X-Trailing-", "1")])
    elif path == "/value-control":
        start_response("200 OK", OK + [("X-Bell", "ding\x07")])
    elif path == "/no-type":
        start_response("200 OK", [])
    elif path == "/type-204":
        start_response("204 No Content", OK)
        return []
    elif path == "/exc-info-list":
        try:
            raise ValueError("handled")
        except ValueError:
            start_response("500 Internal Server Error", OK, list(sys.exc_info()))
    elif path == "/input-close":
        environ["wsgi.input"].close()
        start_response("200 OK", OK)
    elif path == "/errors-close":
        environ["wsgi.errors"].close()
        start_response("200 OK", OK)
    elif path == "/length":
        start_response("200 OK", OK + [("Content-Length", "10")])
        return [b"short"]
    elif path == "/headers-after-body":
        return headers_after_body(start_response)
    elif path == "/unclosed":
        return dropping_middleware(environ, start_response)
    else:
        start_response("200 OK", OK + [("Content-Length", "2")])
        wrapper = environ["wsgi.file_wrapper"](io.BytesIO(b"ok"))
        return wrapper
    return [b"ok"]


def headers_after_body(start_response):
    start_response("200 OK", OK)
    yield b"first"
    try:
        start_response("200 OK", OK)
    except Exception:
        pass  # an app that swallows the error: the lint still tells


def dropping_middleware(environ, start_response):
    """A middleware that iterates the app's file_wrapper and never closes it."""
    start_response("200 OK", OK)
    inner = environ["wsgi.file_wrapper"](io.BytesIO(b"ok"))
    for chunk in inner:
        yield chunk
