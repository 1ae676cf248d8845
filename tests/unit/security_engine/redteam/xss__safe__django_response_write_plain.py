# expect: safe
from django.http import HttpResponse


def greet(request):
    response = HttpResponse(content_type="text/plain")
    response.write("Hello, " + request.GET.get("name", "there"))
    return response
