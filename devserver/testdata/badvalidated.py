"""An app wsgiref.validate rejects (headers as a tuple): proves the test
harness sees the validator's complaints."""


def application(environ, start_response):
    start_response("200 OK", (("Content-Type", "text/plain"),))
    return [b"headers were a tuple"]
