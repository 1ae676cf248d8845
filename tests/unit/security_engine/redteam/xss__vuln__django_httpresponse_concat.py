# expect: CWE-79
from django.http import HttpResponse


def search(request):
    q = request.GET.get("q", "")
    return HttpResponse("<p>Results for " + q + "</p>")
