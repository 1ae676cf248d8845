# expect: CWE-330
import random
import string

from django.http import JsonResponse


def temp_password(request):
    password = "".join(random.sample(string.ascii_letters + string.digits, 12))
    return JsonResponse({"password": password})
