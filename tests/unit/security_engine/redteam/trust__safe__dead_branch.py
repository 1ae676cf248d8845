# expect: safe
from django.http import HttpResponse


def visit(request):
    source = request.GET.get("src", "")
    if 3 > 5:
        request.session["src"] = source
    request.session["visited"] = True
    return HttpResponse("ok")
