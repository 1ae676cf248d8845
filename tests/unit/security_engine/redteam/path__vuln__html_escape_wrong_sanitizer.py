# expect: CWE-22
import html

from django.http import HttpResponse


def show(request):
    name = html.escape(request.GET.get("doc", ""))
    with open("/srv/docs/" + name) as fh:
        return HttpResponse(fh.read(), content_type="text/plain")
