"""Two middleware classes around an app, for the tmux test of the Layers
tab: the outer one adds an environ key, the inner one a response header."""


def hello(environ, start_response):
    body = ("tagged %s\n" % environ.get("tagger.tag", "-")).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


class ServerTiming:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            return start_response(status, headers + [("Server-Timing", "app;dur=1")], exc_info)
        return self.app(environ, start)


class RequestTagger:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        environ["tagger.tag"] = "blue"
        return self.app(environ, start_response)


application = RequestTagger(ServerTiming(hello))
