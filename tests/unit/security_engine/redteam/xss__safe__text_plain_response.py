# expect: safe
from django.http import HttpResponse


def echo(request):
    msg = request.GET.get("msg", "")
    return HttpResponse("You said: " + msg, content_type="text/plain")
