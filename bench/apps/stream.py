"""Streaming and big bodies, for the benchmark's latency and memory parts.

    /ticks?n=20&ms=50   n chunks, one every ms milliseconds; each is the wall
                        clock (time.time_ns) at the moment it is yielded
    /upload             reads wsgi.input in 64 KiB pieces, answers "SHA256 BYTES"
    /download?mib=1024  yields that many MiB in 64 KiB pieces (chunked, no length)
    anything else       "ok", so a server can be polled for readiness
"""

import hashlib
import time
from urllib.parse import parse_qs

PIECE = 64 * 1024


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/ticks":
        start_response("200 OK", [("Content-Type", "text/plain")])
        return ticks(int(query.get("n", ["20"])[0]), int(query.get("ms", ["50"])[0]) / 1000)
    if path == "/upload":
        return upload(environ, start_response)
    if path == "/download":
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        return download(int(query.get("mib", ["1024"])[0]))
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "3")])
    return [b"ok\n"]


def ticks(n, gap):
    for _ in range(n):
        time.sleep(gap)
        yield b"%d\n" % time.time_ns()


def upload(environ, start_response):
    remaining = int(environ.get("CONTENT_LENGTH") or 0)
    stream = environ["wsgi.input"]
    digest = hashlib.sha256()
    total = 0
    while remaining > 0:
        piece = stream.read(min(PIECE, remaining))
        if not piece:
            break
        digest.update(piece)
        total += len(piece)
        remaining -= len(piece)
    body = b"%s %d\n" % (digest.hexdigest().encode(), total)
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def download(mib):
    piece = bytes(range(256)) * (PIECE // 256)
    for _ in range(mib * (1024 * 1024 // PIECE)):
        yield piece
