# expect: CWE-614
from django.http import HttpResponse


def consent(request):
    response = HttpResponse("ok")
    response.set_cookie("auth_hint", request.GET.get("h", ""), samesite="Strict")
    return response
