from django.http import HttpResponse


def echo(request):
    q = request.GET.get("q", "")
    return HttpResponse("you said: " + q, content_type="text/plain")
