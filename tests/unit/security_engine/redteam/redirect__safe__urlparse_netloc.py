# expect: safe
from urllib.parse import urlparse

from django.http import HttpResponseRedirect


def go(request):
    target = request.GET.get("next", "/")
    if urlparse(target).netloc:
        return HttpResponseRedirect("/")
    return HttpResponseRedirect(target)
