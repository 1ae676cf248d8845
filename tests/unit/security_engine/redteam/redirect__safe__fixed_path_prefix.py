# expect: safe
from django.shortcuts import redirect


def profile_alias(request):
    username = request.GET.get("u", "")
    return redirect("/profile/" + username)
