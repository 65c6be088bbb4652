"""No application, app or create_app: the default order ends with make_app()."""


def make_app():
    def made(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"made by make_app()"]
    return made
