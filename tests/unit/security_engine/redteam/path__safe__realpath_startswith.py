# expect: safe
import os

from django.http import FileResponse, HttpResponseForbidden

ROOT = "/srv/files"


def fetch(request):
    candidate = os.path.realpath(os.path.join(ROOT, request.GET.get("path", "")))
    if not candidate.startswith(ROOT + os.sep):
        return HttpResponseForbidden()
    return FileResponse(open(candidate, "rb"))
