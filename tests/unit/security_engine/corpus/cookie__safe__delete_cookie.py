from django.http import JsonResponse


def logout(request):
    response = JsonResponse({"ok": True})
    response.set_cookie("sessionid", "", max_age=0)
    return response
