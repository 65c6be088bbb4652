"""Shaped like the wsgi.py of `django-admin startproject mysite`: a module in
the mysite package that imports a sibling module by its full dotted name."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

from mysite.settings import GREETING  # noqa: E402


def application(environ, start_response):
    body = ("%s via %s" % (GREETING, __name__)).encode("utf-8")
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
