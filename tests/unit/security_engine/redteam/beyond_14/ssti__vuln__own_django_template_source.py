# expect: CWE-94
from django.http import HttpResponse
from django.template import Context, Template


def greeting(request):
    name = request.GET.get("name", "friend")
    page = Template("<h1>Hello " + name + "</h1>").render(Context({}))
    return HttpResponse(page)
