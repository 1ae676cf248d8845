import base64
import pickle

from django.http import JsonResponse


def restore(request):
    pieces = []
    pieces.append(request.headers.get("X-State", ""))
    raw = base64.urlsafe_b64decode(pieces[0].encode())
    state = pickle.loads(raw)
    return JsonResponse({"n": len(state)})
