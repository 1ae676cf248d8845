# expect: CWE-501
from django.http import JsonResponse


def set_role(request):
    role = request.GET.get("role", "viewer")
    request.session["role"] = role
    return JsonResponse({"role": role})
