# expect: safe
from django.http import HttpResponse


def remember(request):
    response = HttpResponse("ok")
    response.set_signed_cookie("uid", "42", salt="uid", secure=True, httponly=True)
    return response
