# expect: CWE-601
from django.shortcuts import redirect
from django.urls import reverse


def after_signup(request):
    target = request.POST.get("next") or reverse("home")
    return redirect(target)
