"""Flask: a Flask app is a WSGI app too.

Needs Flask:   python3 -m pip install flask   (in your virtualenv)
Run it with:   wsgidev serve app.py
Then open:     http://127.0.0.1:8000/   and   http://127.0.0.1:8000/environ

`app = Flask(__name__)` makes an object you can call as
app(environ, start_response): exactly what WSGI asks of an app. A WSGI server
like wsgidev or gunicorn calls it for every request; Flask turns the environ
into `request`, runs your view function, and turns what it returns into a
call to start_response and a body iterable.

So everything you learned about plain WSGI still holds underneath: the
environ is `request.environ`, and WSGI middleware can wrap `app.wsgi_app`.
"""

from flask import Flask, request

app = Flask(__name__)


@app.route("/")
def index():
    # Flask read REQUEST_METHOD and PATH_INFO from the environ to pick this
    # view, and QUERY_STRING to fill request.args.
    name = request.args.get("name", "world")
    # A str return value becomes the body (encoded as UTF-8), with status
    # 200 and Content-Type text/html. Flask's templates escape for you;
    # here the text is plain, so say so.
    return f"Hello, {name}, from Flask!\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@app.route("/environ")
def show_environ():
    # The very dict the server passed to app(environ, start_response).
    lines = [f"{key} = {value!r}" for key, value in sorted(request.environ.items())]
    return "\n".join(lines) + "\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


# To see the WSGI layer at work, wrap Flask's WSGI app in middleware:
#
#     def add_header(wsgi_app):
#         def middleware(environ, start_response):
#             def start(status, headers, exc_info=None):
#                 return start_response(status, headers + [("X-Hello", "WSGI")], exc_info)
#             return wsgi_app(environ, start)
#         return middleware
#
#     app.wsgi_app = add_header(app.wsgi_app)
