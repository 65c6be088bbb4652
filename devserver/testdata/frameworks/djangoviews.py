"""Views added to a fresh ``django-admin startproject`` by the differential
tests (copied in as mysite/views.py; the routes go into mysite/urls.py)."""

from django.http import FileResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.csrf import csrf_exempt


def hello(request, name):
    return JsonResponse({
        "name": name,
        "path": request.path,
        "method": request.method,
        "query": request.GET.dict(),
        "host": request.get_host(),
    })


def cafe(request):
    return JsonResponse({"route": "café", "path": request.path})


@csrf_exempt
def upload(request):
    # Django's multipart parser reads wsgi.input in pieces.
    return JsonResponse({
        "form": request.POST.dict(),
        "files": {name: [f.name, f.size, f.read().decode("latin-1")] for name, f in request.FILES.items()},
    })


def source(request):
    # FileResponse is handed to the server's wsgi.file_wrapper.
    return FileResponse(open(__file__, "rb"), content_type="text/plain")


def stream(request):
    return StreamingHttpResponse(("part %d\n" % i for i in range(5)), content_type="text/plain")
