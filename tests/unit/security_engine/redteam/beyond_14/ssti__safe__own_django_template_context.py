# expect: safe
from django.http import HttpResponse
from django.template import Context, Template

GREETING = Template("<h1>Hello {{ name }}</h1>")


def greeting(request):
    name = request.GET.get("name", "friend")
    return HttpResponse(GREETING.render(Context({"name": name})))
