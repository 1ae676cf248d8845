# expect: safe
from django.shortcuts import redirect
from django.urls import reverse


def go_home(request):
    _ = request.GET.get("next")
    return redirect(reverse("home"))
