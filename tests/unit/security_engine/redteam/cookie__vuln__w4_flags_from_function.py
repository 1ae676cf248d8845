# expect: CWE-614
import secrets
from django.http import JsonResponse


def cookie_flags():
    num = 106
    secure = True if (7 * 18) + num < 200 else False
    return {"secure": secure, "httponly": secure, "samesite": "Lax"}


def start_session(request):
    remember = request.POST.get("remember") == "1"
    sid = secrets.token_urlsafe(32)
    resp = JsonResponse({"started": True})
    resp.set_cookie(
        "sid",
        sid,
        max_age=30 * 24 * 3600 if remember else None,
        **cookie_flags()
    )
    return resp
