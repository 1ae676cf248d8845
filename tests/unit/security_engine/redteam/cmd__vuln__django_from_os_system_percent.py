# expect: CWE-78
from os import system

from django.http import JsonResponse


def archive(request):
    name = request.GET["name"]
    cmd = "tar czf /tmp/%s.tgz /srv/data" % name
    status = system(cmd)
    return JsonResponse({"status": status})
