"""The smallest Django project, in one file: one view that returns a string.

    python3 django_hello.py runserver 127.0.0.1:8001   Django's own dev server
    wsgidev serve django_hello.py:application          the same app under wsgidev

Settings are configured in place instead of a settings module, and the file
is its own URLconf, so whatever name it is imported under works.
"""

import sys

from django.conf import settings

settings.configure(
    DEBUG=True,
    SECRET_KEY="bench-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402


def hello(request):
    return HttpResponse("Hello, world!\n", content_type="text/plain")


urlpatterns = [path("", hello)]

application = get_wsgi_application()

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
