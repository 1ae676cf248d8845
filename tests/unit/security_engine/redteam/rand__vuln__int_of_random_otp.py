# expect: CWE-330
import random

from django.http import JsonResponse


def send_otp(request):
    otp = int(random.random() * 1_000_000)
    request.session["otp"] = otp
    return JsonResponse({"sent": True})
