import requests
from django.http import JsonResponse

STATUS_URL = "https://status.example.com/api/v2/status.json"


def status(request):
    _ = request.GET.get("verbose")
    return JsonResponse(requests.get(STATUS_URL, timeout=3).json())
