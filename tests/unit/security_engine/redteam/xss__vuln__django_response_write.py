# expect: CWE-79
from django.http import HttpResponse


def greet(request):
    response = HttpResponse()
    response.write("<p>Hello, " + request.GET.get("name", "there") + "</p>")
    return response
