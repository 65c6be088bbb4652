"""Served as pkg.module:name and pkg.module:create_app(...); the factory
echoes its arguments so a test sees they arrived as literals."""


def name(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"pkg.module name"]


def create_app(*args, **kwargs):
    text = "create_app args=%r kwargs=%r" % (args, dict(sorted(kwargs.items())))

    def made(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [text.encode("utf-8")]
    return made
