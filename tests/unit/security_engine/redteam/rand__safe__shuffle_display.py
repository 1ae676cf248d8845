# expect: safe
import random

from django.http import JsonResponse

TIPS = ["Drink water", "Stretch", "Take a walk"]


def tips(request):
    order = list(TIPS)
    random.shuffle(order)
    return JsonResponse({"tips": order})
