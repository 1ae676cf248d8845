# expect: safe
from django.contrib.auth.models import User
from django.http import HttpResponse


def switch(request):
    user = User.objects.filter(username=request.POST.get("username", "")).first()
    if user is not None:
        request.session["user_id"] = user.id
    return HttpResponse("ok")
