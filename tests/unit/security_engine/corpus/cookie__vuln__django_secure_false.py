from django.http import JsonResponse


def remember_me(request):
    response = JsonResponse({"ok": True})
    response.set_cookie("remember", "1", max_age=3600 * 24 * 30, secure=False, httponly=True)
    return response
