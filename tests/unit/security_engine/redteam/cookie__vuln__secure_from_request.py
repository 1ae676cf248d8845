# expect: CWE-1004
from django.http import HttpResponse


def remember(request):
    response = HttpResponse("ok")
    response.set_cookie("remember", "1", secure=request.is_secure())
    return response
