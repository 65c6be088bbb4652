"""A form: read a POSTed body from wsgi.input, parse it, and echo it safely.

Run it with:   wsgidev serve app.py
Then open:     http://127.0.0.1:8000/   and send the form.
Or:            curl -d 'name=<b>Ada</b>' -d 'message=1 < 2' http://127.0.0.1:8000/

When a browser submits a form with method="post", the fields travel in the
request body as "application/x-www-form-urlencoded" text:

    name=Ada+Lovelace&message=1+%3C+2

The app reads those bytes from environ["wsgi.input"]. CONTENT_LENGTH says how
many there are; PEP 3333 says not to read past it, so read exactly that many.
Then urllib.parse.parse_qs turns them into a dict of lists.

Whatever came from the client is untrusted: before it goes into HTML it is
escaped with html.escape, so "<b>" shows as the text <b> and never as markup.
Without that, anyone could put a <script> into your page (that is XSS).
"""

import html
from urllib.parse import parse_qs

# Refuse bodies larger than this, so nobody can fill the server's memory.
MAX_BODY = 64 * 1024

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>A WSGI form</title></head>
<body>
<h1>A WSGI form</h1>
<form method="post">
  <p><label>Name <input name="name"></label></p>
  <p><label>Message <textarea name="message"></textarea></label></p>
  <p><button>Send</button></p>
</form>
{result}
</body></html>
"""


def application(environ, start_response):
    method = environ["REQUEST_METHOD"]
    if method == "GET":
        return page(start_response, "200 OK", "")
    if method != "POST":
        # 405 must say which methods work, in an Allow header.
        start_response("405 Method Not Allowed", [
            ("Content-Type", "text/plain; charset=utf-8"), ("Allow", "GET, POST")])
        return [b"use GET to see the form and POST to send it\n"]

    ctype = environ.get("CONTENT_TYPE", "")
    if not ctype.startswith("application/x-www-form-urlencoded"):
        return page(start_response, "415 Unsupported Media Type",
                    "<p>Send the form as application/x-www-form-urlencoded.</p>")

    body = read_body(environ)
    if body is None:
        return page(start_response, "413 Content Too Large",
                    f"<p>The form may be {MAX_BODY} bytes at most.</p>")

    # The body is bytes; decode it as UTF-8, what a browser sends from a
    # UTF-8 page ("replace" turns broken bytes into U+FFFD instead of
    # failing). parse_qs then splits the fields and undoes the %XX escapes.
    fields = parse_qs(body.decode("utf-8", errors="replace"))
    name = fields.get("name", [""])[0]
    message = fields.get("message", [""])[0]

    # Escape everything that came from the client before it goes into HTML.
    result = (
        f"<h2>You sent</h2>\n"
        f"<p>Name: <strong>{html.escape(name)}</strong></p>\n"
        f"<p>Message: <strong>{html.escape(message)}</strong></p>\n"
    )
    return page(start_response, "200 OK", result)


def read_body(environ):
    """The request body as bytes, or None when it is too large."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        return None
    if length == 0 and environ.get("wsgi.input_terminated"):
        # No CONTENT_LENGTH: the client sent the body in chunks. Servers that
        # set wsgi.input_terminated (wsgidev, gunicorn) end wsgi.input at the
        # body's end, so read up to the limit and one byte more to notice
        # a body that is too long.
        body = environ["wsgi.input"].read(MAX_BODY + 1)
        return body if len(body) <= MAX_BODY else None
    # Read exactly CONTENT_LENGTH bytes: reading past it may block forever
    # on some servers, waiting for bytes the client never sends.
    return environ["wsgi.input"].read(length)


def page(start_response, status, result):
    body = PAGE.format(result=result).encode("utf-8")
    start_response(status, [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])
    return [body]
