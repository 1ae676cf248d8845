# expect: safe
import shlex
import subprocess

from django.http import HttpResponse


def listing(request):
    folder = request.POST.get("folder", ".")
    line = "ls -la " + shlex.quote(folder) + " | head -n 20"
    out = subprocess.check_output(line, shell=True)
    return HttpResponse(out, content_type="text/plain")
