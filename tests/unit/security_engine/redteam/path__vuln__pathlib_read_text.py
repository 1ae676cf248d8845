# expect: CWE-22
from pathlib import Path

from django.http import HttpResponse

BASE = Path("/srv/notes")


def note(request):
    rel = request.GET["p"]
    return HttpResponse((BASE / rel).read_text(), content_type="text/plain")
