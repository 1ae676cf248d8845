# expect: safe
from django.http import HttpResponse
from django.utils.html import format_html, format_html_join


def tags(request):
    items = format_html_join("", "<li>{}</li>", ((t,) for t in request.GET.getlist("tag")))
    return HttpResponse(format_html("<ul>{}</ul>", items))
