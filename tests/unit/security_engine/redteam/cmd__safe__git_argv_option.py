# expect: safe
import subprocess

from django.http import HttpResponse


def log(request):
    author = request.GET.get("author", "")
    out = subprocess.check_output(["git", "log", "--oneline", "--author", author], cwd="/srv/repo")
    return HttpResponse(out, content_type="text/plain")
