# expect: safe
from django.http import HttpResponse
from django.template import Context, Template

CARD = Template("<div class='card'>{{ title }}</div>")


def card(request):
    return HttpResponse(CARD.render(Context({"title": request.GET.get("title", "")})))
