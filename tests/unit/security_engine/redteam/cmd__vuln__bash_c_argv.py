# expect: CWE-78
import subprocess

from django.http import HttpResponse


def greet(request):
    who = request.GET.get("who", "")
    out = subprocess.check_output(["bash", "-c", "echo hello " + who])
    return HttpResponse(out, content_type="text/plain")
