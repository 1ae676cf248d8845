# expect: CWE-601
from django.contrib.auth import authenticate, login
from django.shortcuts import redirect


def do_login(request):
    user = authenticate(request, username=request.POST["u"], password=request.POST["p"])
    if user is not None:
        login(request, user)
    return redirect(request.POST.get("next") or "/")
