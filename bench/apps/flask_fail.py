"""A Flask app whose /fail view raises with a page's worth of data in its
locals, as a view that failed halfway through usually has: the memory that
post-mortem debugging keeps alive per failure (bench/postmortem.go)."""

from flask import Flask, request

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, world!\n"


@app.route("/fail")
def fail():
    rows = [{"id": i, "name": "user %d" % i, "email": "user%d@example.com" % i} for i in range(100)]
    page = "".join("<li>%(name)s</li>" % row for row in rows)
    raise RuntimeError("failed after building %d rows for %s" % (len(rows), request.path))
