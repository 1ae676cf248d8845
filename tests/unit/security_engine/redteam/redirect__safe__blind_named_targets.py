# expect: safe
from django.shortcuts import redirect

TARGETS = {"home": "/", "profile": "/me", "settings": "/me/settings"}


def jump(request):
    return redirect(TARGETS.get(request.GET.get("to", "home"), "/"))
