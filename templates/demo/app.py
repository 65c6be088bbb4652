"""The wsgidev demo app.

wsgidev serves this file when you run `wsgidev serve` in a folder that has
no app.py or wsgi.py. It is a plain WSGI app that uses only the standard
library, so you can read it top to bottom and see how WSGI works:

    /        shows the environ dict this app received
    /stream  sends its body in pieces, one chunk every 0.3 seconds
    /form    reads a POSTed form from wsgi.input

The whole contract (PEP 3333) is one function call: the server calls
application(environ, start_response); the app calls start_response(status,
headers) once and returns an iterable of bytes.
"""

import html
import time
from urllib.parse import parse_qs, quote

# Bodies larger than this are refused on /form, so a huge upload can not
# fill this process's memory.
MAX_FORM_BYTES = 1024 * 1024

# The CGI variables (RFC 3875) and a few common extras that servers add.
# The index page lists these first.
CGI_KEYS = {
    "AUTH_TYPE", "CONTENT_LENGTH", "CONTENT_TYPE", "GATEWAY_INTERFACE",
    "HTTPS", "PATH_INFO", "PATH_TRANSLATED", "QUERY_STRING", "RAW_URI",
    "REMOTE_ADDR", "REMOTE_HOST", "REMOTE_IDENT", "REMOTE_PORT",
    "REMOTE_USER", "REQUEST_METHOD", "REQUEST_URI", "SCRIPT_NAME",
    "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL", "SERVER_SOFTWARE",
}

STYLE = """
body { font: 16px/1.5 system-ui, sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; }
code, pre, td { font-family: ui-monospace, monospace; font-size: 14px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .2rem .5rem;
         border-bottom: 1px solid #8884; }
td:last-child { word-break: break-all; }
h2 { margin-top: 2rem; }
"""


def application(environ, start_response):
    """The entry point: wsgidev calls this once for every request."""
    # PATH_INFO is the part of the URL path that belongs to this app.
    path = environ.get("PATH_INFO", "") or "/"
    if path == "/":
        return index(environ, start_response)
    if path == "/stream":
        return stream(environ, start_response)
    if path == "/form":
        return form(environ, start_response)
    return not_found(environ, start_response)


# --- helpers ---------------------------------------------------------------


def esc(value):
    """Escape text so it shows as text inside HTML, never as markup."""
    return html.escape(str(value), quote=True)


def link(environ, path):
    """A URL for one of our pages.

    SCRIPT_NAME is where this app is mounted ("" when it owns the whole
    site), so links keep working if the app is mounted under a prefix.
    """
    prefix = quote(environ.get("SCRIPT_NAME", "").encode("latin-1", "replace"))
    return esc(prefix + path)


def as_text(native):
    """Turn a PEP 3333 "bytes-as-str" value (like PATH_INFO) into real text.

    Servers put the raw URL bytes in a str, one character per byte
    (latin-1). Re-encode to get the bytes back, then decode them as UTF-8.
    """
    return native.encode("latin-1", "replace").decode("utf-8", "replace")


def page_start(title):
    """The start of an HTML page, up to and including <body>."""
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="color-scheme" content="light dark">\n'
        "<title>" + esc(title) + "</title>\n"
        "<style>" + STYLE + "</style></head>\n"
        "<body>\n"
    )


PAGE_END = "\n</body></html>\n"


def page(title, body):
    """Wrap some HTML in a complete page."""
    return page_start(title) + body + PAGE_END


def respond(start_response, status, text, extra_headers=()):
    """Send one whole HTML document.

    The body is known in full, so we can say how long it is. Headers are a
    list of (name, value) tuples of str; the body is a list of bytes.
    """
    body = text.encode("utf-8")
    headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ]
    headers.extend(extra_headers)
    start_response(status, headers)
    return [body]


# --- / ---------------------------------------------------------------------


def group_of(key):
    """Which table on the index page a key belongs in."""
    if key in CGI_KEYS:
        return 0
    if key.startswith("HTTP_"):
        return 1
    if key.startswith("wsgi."):
        return 2
    return 3


GROUPS = [
    ("Request (CGI) keys",
     "What was asked for: method, path, query string, body type and length, "
     "and who the server is."),
    ("HTTP headers",
     "Every request header, upper-cased, with dashes turned into "
     "underscores and HTTP_ in front (Content-Type and Content-Length are "
     "the two exceptions: they appear above, without the prefix)."),
    ("wsgi.* keys",
     "Added by the server for WSGI itself: wsgi.input is the request body "
     "to read, wsgi.errors is where to log."),
    ("Other keys",
     "Anything else the server chose to add."),
]


def environ_tables(environ):
    """The environ as HTML tables: every key sorted, values shown with repr()."""
    rows = [[], [], [], []]
    for key in sorted(environ):
        rows[group_of(key)].append(
            "<tr><th>" + esc(key) + "</th><td>" + esc(repr(environ[key]))
            + "</td></tr>"
        )
    parts = []
    for (title, about), group in zip(GROUPS, rows):
        if group:
            parts.append("<h2>" + esc(title) + "</h2>\n<p>" + esc(about) + "</p>")
            parts.append("<table>\n" + "\n".join(group) + "\n</table>")
    return "\n".join(parts)


def index(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = environ.get("QUERY_STRING", "")
    body = (
        "<h1>The wsgidev demo app</h1>\n"
        "<p>You are running it because no <code>app.py</code> or "
        "<code>wsgi.py</code> was found in this folder. To serve your own "
        "app, run <code>wsgidev serve yourapp.py</code>. All it needs is a "
        "function like this one:</p>\n"
        "<pre>def application(environ, start_response):\n"
        "    start_response(\"200 OK\", [(\"Content-Type\", "
        "\"text/plain; charset=utf-8\")])\n"
        "    return [\"Hello!\".encode(\"utf-8\")]</pre>\n"
        "<p>Try the other pages: <a href=\"" + link(environ, "/stream")
        + "\">/stream</a> (a body sent in pieces) and <a href=\""
        + link(environ, "/form") + "\">/form</a> (reading a POSTed form).</p>\n"
        "<h2>This request</h2>\n"
        "<p>For this request <code>PATH_INFO</code> is <code>"
        + esc(repr(path)) + "</code>: the path inside this app, which is what "
        "an app routes on. <code>QUERY_STRING</code> is <code>"
        + esc(repr(query)) + "</code>: the raw text after the <code>?</code>, "
        "still percent-encoded; <code>urllib.parse.parse_qs</code> splits "
        "it into fields. Try <a href=\"" + link(environ, "/?name=Ada&lang=python")
        + "\">a link with a query string</a> and watch both change.</p>\n"
        "<p>Below is the whole <code>environ</code> dict this call received. "
        "Values are shown with <code>repr()</code>, so you can see their "
        "Python types.</p>\n"
        + environ_tables(environ)
    )
    return respond(start_response, "200 OK", page("wsgidev demo app", body))


# --- /stream ---------------------------------------------------------------


def stream(environ, start_response):
    # No Content-Length: the length is not known yet, so the server sends the
    # body with chunked transfer encoding (or closes the connection at the end).
    start_response("200 OK", [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
    ])
    # Returning a generator means the body is produced lazily: the server
    # asks for the next chunk, sends it to the client at once, then asks again.
    return stream_chunks(environ, 10)


def stream_chunks(environ, count):
    yield (
        page_start("Streaming") + "<h1>Streaming, one chunk at a time</h1>\n"
        "<p>This page has no Content-Length. The app returned a generator, "
        "and each line below is one <code>yield</code>, sent to you as soon "
        "as the app produced it. With curl, try "
        "<code>curl -N</code> to watch them arrive.</p>\n"
        # Some browsers wait for about 1 KB before drawing anything; this
        # comment is padding so you see the chunks arrive one by one.
        "<!--" + " " * 1024 + "-->\n"
    ).encode("utf-8")
    sent = 0
    try:
        for n in range(1, count + 1):
            time.sleep(0.3)
            sent = n
            yield "<p>chunk {} of {} at {}</p>\n".format(
                n, count, time.strftime("%H:%M:%S")).encode("utf-8")
        yield ('<p>Done. <a href="' + link(environ, "/")
               + '">Back home</a></p>' + PAGE_END).encode("utf-8")
    finally:
        # The server always calls close() on the iterable, even when the
        # client leaves early; for a generator that runs this block.
        # wsgi.errors is the app's log: wsgidev shows it with the request.
        if sent < count:
            environ["wsgi.errors"].write(
                "stream: stopped after {} of {} chunks "
                "(the client went away)\n".format(sent, count))


# --- /form -----------------------------------------------------------------


FORM = """
<h1>A form</h1>
<p>Submitting sends a POST with an
<code>application/x-www-form-urlencoded</code> body; the app reads it from
<code>wsgi.input</code>.</p>
<form method="post" action="{action}">
<p><label>Name<br><input name="name" value="Ada"></label></p>
<p><label>Language<br><input name="language" value="Python"></label></p>
<p><label>Message<br><textarea name="message" rows="4" cols="40">
Hello from a form &lt;b&gt;with markup&lt;/b&gt; &amp; UTF-8: &#233;t&#233;
</textarea></label></p>
<p><button>Send</button></p>
</form>
<p><a href="{home}">Back home</a></p>
"""


def read_body(environ):
    """Read the request body from wsgi.input.

    Returns the bytes, or None if the body is bigger than MAX_FORM_BYTES.
    """
    stream = environ["wsgi.input"]
    length = environ.get("CONTENT_LENGTH", "")
    if length:
        # A length was sent: read exactly that much, never more.
        remaining = int(length)
        if remaining < 0:
            raise ValueError("negative CONTENT_LENGTH")
        if remaining > MAX_FORM_BYTES:
            return None
    else:
        # No length (for example a chunked upload): read until read() gives
        # b"", which marks the end of the body.
        remaining = MAX_FORM_BYTES + 1
    chunks = []
    while remaining > 0:
        chunk = stream.read(min(remaining, 64 * 1024))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    body = b"".join(chunks)
    if len(body) > MAX_FORM_BYTES:
        return None
    return body


def form(environ, start_response):
    method = environ.get("REQUEST_METHOD", "GET")
    if method in ("GET", "HEAD"):
        body = FORM.format(action=link(environ, "/form"), home=link(environ, "/"))
        return respond(start_response, "200 OK", page("A form", body))
    if method != "POST":
        body = "<h1>405 Method Not Allowed</h1><p>/form takes GET or POST.</p>"
        return respond(start_response, "405 Method Not Allowed",
                       page("Method not allowed", body),
                       [("Allow", "GET, HEAD, POST")])
    try:
        raw = read_body(environ)
    except ValueError:
        # CONTENT_LENGTH was not a number of bytes.
        body = "<h1>400 Bad Request</h1><p>CONTENT_LENGTH is not a valid length.</p>"
        return respond(start_response, "400 Bad Request", page("Bad request", body))
    if raw is None:
        body = ("<h1>413 Content Too Large</h1><p>This demo reads at most "
                "{} bytes.</p>".format(MAX_FORM_BYTES))
        return respond(start_response, "413 Content Too Large",
                       page("Too large", body))
    # A urlencoded body is ASCII; parse_qs undoes the %-escapes as UTF-8.
    # keep_blank_values keeps fields that were sent empty.
    fields = parse_qs(raw.decode("latin-1"), keep_blank_values=True,
                      encoding="utf-8", errors="replace")
    rows = []
    for name in sorted(fields):
        for value in fields[name]:
            rows.append("<tr><th>" + esc(name) + "</th><td><pre>" + esc(value)
                        + "</pre></td></tr>")
    if not rows:
        rows.append('<tr><td colspan="2">(no fields)</td></tr>')
    preview = raw[:2000]
    body = (
        "<h1>You sent</h1>\n<table>\n" + "\n".join(rows) + "\n</table>\n"
        "<h2>The raw body</h2>\n"
        "<p>CONTENT_TYPE was <code>" + esc(repr(environ.get("CONTENT_TYPE", "")))
        + "</code> and CONTENT_LENGTH was <code>"
        + esc(repr(environ.get("CONTENT_LENGTH"))) + "</code>. These "
        + str(len(raw)) + " bytes came out of <code>wsgi.input</code>"
        + (" (the first 2000 shown)" if len(raw) > len(preview) else "")
        + ":</p>\n<pre>" + esc(repr(preview)) + "</pre>\n"
        '<p><a href="' + link(environ, "/form") + '">Send another</a> or <a href="'
        + link(environ, "/") + '">go home</a>.</p>'
    )
    return respond(start_response, "200 OK", page("Form received", body))


# --- anything else ---------------------------------------------------------


def not_found(environ, start_response):
    path = as_text(environ.get("PATH_INFO", ""))
    body = (
        "<h1>404 Not Found</h1>\n"
        "<p>This demo app has no page at <code>" + esc(path) + "</code>.</p>\n"
        '<p><a href="' + link(environ, "/") + '">Go home</a></p>'
    )
    return respond(start_response, "404 Not Found", page("Not found", body))
