"""Hello, WSGI: the whole contract between a server and an app, in one function.

Run it with:   wsgidev serve app.py
Then open:     http://127.0.0.1:8000/?name=Ada

WSGI (PEP 3333) is one function call. For every request, the server calls

    application(environ, start_response)

and the app does three things:

  1. reads what it needs from environ, a plain dict that describes the request;
  2. calls start_response(status, headers) to choose the status line and the
     response headers;
  3. returns the body: an iterable of bytes, here a list with one item.

That is all a web framework does underneath. Flask, Django and the rest turn
environ into a request object and your return value into these three steps.
"""

from urllib.parse import parse_qs


def application(environ, start_response):
    # 1. environ: the request as a dict of str values (and a few objects).
    #    The CGI-style keys come from the request line and headers:
    #      GET /greet?name=Ada HTTP/1.1      ->  REQUEST_METHOD = "GET"
    #                                            PATH_INFO      = "/greet"
    #                                            QUERY_STRING   = "name=Ada"
    #      User-Agent: curl/8.5.0            ->  HTTP_USER_AGENT = "curl/8.5.0"
    #    Keys can be missing (QUERY_STRING may be absent), so use .get().
    method = environ["REQUEST_METHOD"]
    path = environ.get("PATH_INFO", "") or "/"
    query = parse_qs(environ.get("QUERY_STRING", ""))
    name = query.get("name", ["world"])[0]
    agent = environ.get("HTTP_USER_AGENT", "(no User-Agent header)")

    # The body must be bytes, never str: encode the text yourself.
    body = (
        f"Hello, {name}!\n"
        f"\n"
        f"You sent {method} {path} with {agent}.\n"
        f"Try ?name=Ada in the URL, and watch the environ in wsgidev's inspector.\n"
    ).encode("utf-8")

    # 2. start_response(status, headers): the status is a str like "200 OK",
    #    the headers a list of (name, value) tuples of str. Nothing is sent
    #    yet; the server sends the headers along with the first body bytes.
    #    Content-Length lets the client know when the body ends.
    start_response("200 OK", [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
    ])

    # 3. The body: any iterable of bytes. A list with the whole body in one
    #    piece is the simplest and, for a small page, the fastest choice.
    return [body]
