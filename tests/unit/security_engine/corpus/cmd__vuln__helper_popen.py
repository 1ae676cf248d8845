import os as o

from django.http import HttpResponse


def lookup(domain):
    return o.popen("nslookup " + domain).read()


def dns(request):
    name = request.POST["domain"]
    out = lookup(name)
    return HttpResponse(out, content_type="text/plain")
