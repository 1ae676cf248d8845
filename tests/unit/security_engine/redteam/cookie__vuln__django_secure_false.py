# expect: CWE-614
from django.http import HttpResponse


def pick_theme(request):
    response = HttpResponse("saved")
    response.set_cookie("theme", request.GET.get("t", "light"), httponly=True, secure=False)
    return response
