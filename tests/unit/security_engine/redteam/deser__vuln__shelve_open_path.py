# expect: CWE-502
import base64
import pickle

from django.http import JsonResponse


def resume(request):
    token = request.headers.get("X-Resume-Token", "")
    state = pickle.loads(base64.urlsafe_b64decode(token.encode()))
    return JsonResponse({"step": state.get("step")})
