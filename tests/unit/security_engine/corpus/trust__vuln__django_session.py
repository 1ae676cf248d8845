from django.http import JsonResponse


def set_role(request):
    role = request.POST.get("role", "viewer")
    request.session["role"] = role
    return JsonResponse({"role": role})
