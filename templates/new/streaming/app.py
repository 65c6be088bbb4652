"""Streaming: send the body in pieces, as the app produces them.

Run it with:   wsgidev serve app.py
Then watch:    curl -N http://127.0.0.1:8000/
(-N tells curl to print each piece at once. Browsers may wait for a few
kilobytes of text before they draw anything, so curl shows it best.)

A WSGI app returns an iterable of bytes, and the server sends each item to
the client as soon as it has it, before it asks for the next one (PEP 3333,
"Buffering and Streaming"). So an app that returns a generator streams: each
`yield` is a piece of the body that leaves now, while the app works on the
next one.

The app gives no Content-Length (it can not know the size in advance), so an
HTTP/1.1 server sends the body with "Transfer-Encoding: chunked": every piece
goes out as one chunk with its own size in front. wsgidev's inspector shows
the chunks arriving one by one, with the time of each.
"""

import time

CHUNKS = 5  # how many pieces to send
PAUSE = 0.5  # seconds of "work" before each piece after the first


def application(environ, start_response):
    # start_response only stores the status and headers: the server sends
    # them together with the first piece of the body. No Content-Length.
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    # Return the generator; the server runs it one yield at a time.
    return countdown(environ)


def countdown(environ):
    started = time.monotonic()
    sent = 0
    try:
        for n in range(1, CHUNKS + 1):
            if n > 1:
                time.sleep(PAUSE)  # stands for slow work: a query, a file, a computation
            elapsed = time.monotonic() - started
            sent = n
            # Each yield must be bytes. The server sends it to the client
            # before it asks this generator for the next piece.
            yield f"chunk {n} of {CHUNKS}, {elapsed:.1f}s after the first\n".encode("utf-8")
        yield b"done\n"
    finally:
        # When the client goes away early (Ctrl-C in curl), the server calls
        # close() on this generator: Python raises GeneratorExit at the
        # paused yield, and this finally block runs. Release files, database
        # connections and locks here.
        if sent < CHUNKS:
            # wsgi.errors is the server's log for this request.
            environ["wsgi.errors"].write(f"streaming: stopped after {sent} of {CHUNKS} chunks; the client went away\n")
