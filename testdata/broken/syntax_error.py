"""An app with a syntax error, as after a bad save."""


def application(environ, start_response)
    start_response("200 OK", [])
    return [b"never"]
