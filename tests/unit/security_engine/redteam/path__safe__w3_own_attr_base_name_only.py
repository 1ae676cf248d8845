# expect: safe
from pathlib import Path

from django.http import HttpResponse

DOCS = Path("/srv/docs")


class Archive:
    def __init__(self, base):
        self.base = base

    def file(self, name):
        return self.base / "published" / Path(name).name


archive = Archive(DOCS)


def show_doc(request):
    text = archive.file(request.GET.get("doc", "index.md")).read_text()
    return HttpResponse(text, content_type="text/plain")
