# expect: CWE-95
import base64

from django.http import HttpResponse


def run(request):
    param = request.GET.get("p", "")
    encoded = base64.b64encode(param.encode("utf-8"))
    decoded = base64.b64decode(encoded).decode("utf-8")
    exec(decoded)
    return HttpResponse("ran")
