# expect: safe
import os

from django.http import FileResponse, Http404

REPORTS = {"q1": "2024-q1.pdf", "q2": "2024-q2.pdf"}


def report(request):
    name = REPORTS.get(request.GET.get("id", ""))
    if name is None:
        raise Http404
    return FileResponse(open(os.path.join("/srv/reports", name), "rb"))
