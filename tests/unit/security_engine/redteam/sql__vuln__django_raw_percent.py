# expect: CWE-89
from django.contrib.auth.models import User
from django.http import JsonResponse


def by_email(request):
    email = request.GET.get("email", "")
    users = User.objects.raw("SELECT * FROM auth_user WHERE email = '%s'" % email)
    return JsonResponse({"ids": [u.id for u in users]})
