"""No application or app: the default order falls back to create_app()."""


def create_app():
    def made(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"made by create_app()"]
    return made
