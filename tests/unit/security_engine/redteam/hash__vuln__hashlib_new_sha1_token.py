# expect: CWE-328
import hashlib
import os

from django.http import JsonResponse


def issue_token(request):
    token = hashlib.new("sha1", os.urandom(16)).hexdigest()
    request.session["api_token"] = token
    return JsonResponse({"token": token})
