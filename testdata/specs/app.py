"""Default-callable fixture: both application and app exist, and application
must win. other is served by the app.py:other spec."""


def reply(start_response, text):
    body = text.encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    return reply(start_response, "app.py application")


def app(environ, start_response):
    return reply(start_response, "app.py app")


def other(environ, start_response):
    return reply(start_response, "app.py other")
