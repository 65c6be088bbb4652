"""A Bottle app for the differential tests: served by gunicorn and by
wsgidev, it must answer the same requests the same way."""

import os

import bottle

ROOT = os.path.dirname(os.path.abspath(__file__))
app = bottle.Bottle()


@app.route("/hello/<name>")
def hello(name):
    # Bottle recodes PATH_INFO (latin-1 "bytes-as-str") as UTF-8 text
    # before routing, so a unicode name round-trips only if PATH_INFO
    # follows PEP 3333.
    return "Hello, %s! (%d characters)\n" % (name, len(name))


@app.post("/form")
def form():
    return {"form": {k: bottle.request.forms.getunicode(k) for k in bottle.request.forms},
            "length": bottle.request.content_length}


@app.route("/json")
def json_route():
    return {"path": bottle.request.path, "query": dict(bottle.request.query.decode()),
            "items": [1, 2.5, None, "ü"]}


@app.post("/json")
def json_post():
    return {"received": bottle.request.json}


@app.route("/static/<filename>")
def static(filename):
    # static_file goes through wsgi.file_wrapper, and answers Range and
    # If-Modified-Since requests (206, 304).
    return bottle.static_file(filename, root=ROOT, mimetype="text/plain")


@app.route("/stream")
def stream():
    for i in range(int(bottle.request.query.n or 3)):
        yield "chunk %d\n" % i

