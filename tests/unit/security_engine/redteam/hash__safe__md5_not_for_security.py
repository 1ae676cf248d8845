# expect: safe
import hashlib

from django.http import JsonResponse


def fingerprint(request):
    body = request.body
    key = hashlib.md5(body, usedforsecurity=False).hexdigest()
    return JsonResponse({"dedupe_key": key})
