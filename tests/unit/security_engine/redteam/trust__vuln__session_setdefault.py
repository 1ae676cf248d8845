# expect: CWE-501
from django.http import HttpResponse


def track(request):
    request.session.setdefault("campaign", request.GET.get("utm_campaign", ""))
    return HttpResponse("ok")
