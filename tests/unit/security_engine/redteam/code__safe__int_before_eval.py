# expect: safe
from django.http import JsonResponse


def double(request):
    n = int(request.GET.get("n", "0"))
    return JsonResponse({"value": eval(f"{n} * 2")})
