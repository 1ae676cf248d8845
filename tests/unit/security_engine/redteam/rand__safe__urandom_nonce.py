# expect: safe
import os
import random

from django.http import JsonResponse


def nonce(request):
    value = os.urandom(16).hex()
    jitter_ms = random.randint(0, 50)
    return JsonResponse({"nonce": value, "jitter_ms": jitter_ms})
