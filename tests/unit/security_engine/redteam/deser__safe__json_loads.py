# expect: safe
import json
import pickle

from django.http import JsonResponse


def restore(request):
    obj = json.loads(request.body)
    snapshot = pickle.dumps(obj)
    return JsonResponse({"size": len(snapshot)})
