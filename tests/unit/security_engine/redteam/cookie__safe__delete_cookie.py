# expect: safe
from django.http import HttpResponse


def logout(request):
    response = HttpResponse("bye")
    response.delete_cookie("sessionid")
    return response
