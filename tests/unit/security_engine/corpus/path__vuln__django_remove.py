import os

from django.http import HttpResponse

MEDIA = "/srv/media"


def delete_avatar(request):
    avatar = request.POST["avatar"]
    os.remove(MEDIA + "/" + avatar)
    return HttpResponse(status=204)
