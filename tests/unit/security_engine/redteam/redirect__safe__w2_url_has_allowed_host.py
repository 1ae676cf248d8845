# expect: safe
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

def login_done(request):
    nxt = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    return redirect(nxt)
