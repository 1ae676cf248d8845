from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def done(request):
    nxt = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    return redirect(nxt)
