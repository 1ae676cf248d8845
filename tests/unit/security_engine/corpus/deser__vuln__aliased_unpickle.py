from pickle import loads as unpickle
from base64 import b64decode as unb64
from django.http import JsonResponse

def resume(request):
    blob = request.COOKIES.get("state")
    return JsonResponse(unpickle(unb64(blob)))
