# expect: CWE-330
import random

from django.http import HttpResponse


def start(request):
    session_id = str(random.random())[2:]
    request.session["sid"] = session_id
    return HttpResponse("started")
