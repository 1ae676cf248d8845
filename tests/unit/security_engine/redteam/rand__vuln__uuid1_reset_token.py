# expect: CWE-330
import uuid

from django.http import JsonResponse


def forgot_password(request):
    reset_token = uuid.uuid1().hex
    return JsonResponse({"sent": True, "debug": reset_token})
