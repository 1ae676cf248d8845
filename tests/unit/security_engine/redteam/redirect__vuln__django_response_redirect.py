# expect: CWE-601
from django.http import HttpResponseRedirect


def after_logout(request):
    target = request.GET.get("next", "/")
    return HttpResponseRedirect(target)
