# expect: safe
import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .tokens import save_remember_token

REMEMBER_FOR = timedelta(days=30)
COOKIE_SETTINGS = {
    "max_age": int(REMEMBER_FOR.total_seconds()),
    "secure": True,
    "httponly": True,
    "samesite": "Strict",
}


@require_POST
def remember_me(request):
    user = authenticate(request, username=request.POST.get("username"), password=request.POST.get("password"))
    if user is None:
        return JsonResponse({"ok": False}, status=401)
    token = secrets.token_urlsafe(32)
    save_remember_token(user, token, REMEMBER_FOR)
    response = JsonResponse({"ok": True})
    response.set_cookie("remember_token", token, **COOKIE_SETTINGS)
    response.set_cookie("ui_theme", "light", max_age=31536000, secure=True, httponly=True, samesite="Lax")
    return response
