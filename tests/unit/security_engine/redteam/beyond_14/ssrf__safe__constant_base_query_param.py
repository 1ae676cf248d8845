# expect: safe
import os
from urllib.parse import quote

import requests
from django.http import JsonResponse
from django.views.decorators.cache import cache_page

GEOCODER_URL = "https://geocode.example.com/v1/search"
GEOCODER_KEY = os.environ.get("GEOCODER_API_KEY", "")
TILE_BASE = "https://tiles.example.com/styles/basic"


@cache_page(300)
def geocode(request):
    address = request.GET.get("address", "")
    resp = requests.get(
        GEOCODER_URL,
        params={"q": address, "limit": 5, "key": GEOCODER_KEY},
        timeout=5,
    )
    resp.raise_for_status()
    return JsonResponse(resp.json(), safe=False)


def tile_url(request):
    z = int(request.GET.get("z", 0))
    x = int(request.GET.get("x", 0))
    y = int(request.GET.get("y", 0))
    style = quote(request.GET.get("style", "day"), safe="")
    return JsonResponse({"url": f"{TILE_BASE}/{z}/{x}/{y}.png?variant={style}"})
