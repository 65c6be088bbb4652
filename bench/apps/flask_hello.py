"""The smallest Flask app: one route that returns a string."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hello, world!\n"
