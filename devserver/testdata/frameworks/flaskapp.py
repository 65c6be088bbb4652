"""A Flask app for the differential tests: served by gunicorn and by
wsgidev, it must answer the same requests the same way."""

from flask import Flask, Response, jsonify, redirect, request, send_file, stream_with_context, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)

# The CGI keys whose values do not depend on the server's address or on
# which server it is; the differential test compares them across servers.
PORTABLE_KEYS = ("REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
                 "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_PROTOCOL", "REMOTE_ADDR",
                 "RAW_URI", "wsgi.url_scheme")

# CGI keys every server sets (RFC 3875 requires them) with values that name
# the server or its address; only their presence is compared.
SERVER_KEYS = ("SERVER_SOFTWARE", "SERVER_NAME", "SERVER_PORT", "REMOTE_PORT")


@app.route("/café")
def cafe():
    return "the café route, path %s\n" % request.path


@app.route("/hello/<name>")
def hello(name):
    return jsonify(name=name, path=request.path, url=request.url)


@app.post("/echo")
def echo():
    return jsonify(json=request.get_json(), args=request.args, content_type=request.content_type)


@app.route("/stream")
def stream():
    count = request.args.get("n", 3, type=int)

    def lines():
        for i in range(count):
            yield "line %d of %d for %s\n" % (i + 1, count, request.path)

    return Response(stream_with_context(lines()), mimetype="text/plain")


@app.route("/file")
def source():
    # send_file goes through wsgi.file_wrapper, and answers Range and
    # If-None-Match requests (206, 304).
    return send_file(__file__, mimetype="text/plain")


@app.route("/reason")
def reason():
    # Every WSGI server sends the app's own reason phrase.
    return Response("an unusual status\n", status="299 Custom Reason Here", mimetype="text/plain")


@app.route("/old")
def old():
    return redirect(url_for("cafe"))


@app.route("/environ", methods=["GET", "POST"])
@app.route("/environ/<path:rest>", methods=["GET", "POST"])
def environ(rest=None):
    env = request.environ
    body = env["wsgi.input"].read()
    return jsonify(
        cgi={k: env[k] for k in PORTABLE_KEYS if k in env},
        headers={k: v for k, v in env.items() if k.startswith("HTTP_")},
        server_keys=[k for k in SERVER_KEYS if k in env],
        types=sorted({type(v).__name__ for k, v in env.items() if k.isupper()}),
        body=body.decode("latin-1"),
        version=list(env["wsgi.version"]),
    )


# Issue 16: the same app under two middleware, so that the differential
# tests also run with layers recorded (flaskapp:layered): ProxyFix, a
# closure that adds an environ key, then the Flask app.
def tagged(wsgi_app):
    def tag(environ, start_response):
        environ["flaskapp.tagged"] = "yes"
        return wsgi_app(environ, start_response)
    return tag


layered = ProxyFix(tagged(app), x_proto=1)
