# expect: CWE-79
from django.http import HttpResponse

TEMPLATE = "<ul>{items}</ul>"


def tags(request):
    items = "".join("<li>%s</li>" % t for t in request.GET.getlist("tag"))
    return HttpResponse(TEMPLATE.format(items=items))
