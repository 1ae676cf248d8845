# expect: safe
from pathlib import Path

from django.http import HttpResponse


def show(request):
    name = Path(request.GET.get("doc", "")).name
    return HttpResponse((Path("/srv/docs") / name).read_text(), content_type="text/plain")
