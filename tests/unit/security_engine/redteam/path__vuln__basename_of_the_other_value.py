# expect: CWE-22
import os

from django.http import HttpResponse


def attachment(request):
    folder = request.GET.get("folder", "")
    name = os.path.basename(request.GET.get("name", ""))
    with open(os.path.join("/srv/attachments", folder, name), "rb") as fh:
        return HttpResponse(fh.read(), content_type="application/octet-stream")
