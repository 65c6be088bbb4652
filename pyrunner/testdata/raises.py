"""Raises in a frame with locals, one of which has a repr that raises, and
calls into a library (json) first, for the frames of a failure."""

import json


class Opaque:
    def __repr__(self):
        raise RuntimeError("no repr")


def application(environ, start_response):
    count = 41
    odd = Opaque()
    big = list(range(100000))
    json.dumps(big)
    return [str(count / 0).encode()]
