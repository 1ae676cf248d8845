# expect: safe
from django.http import HttpResponse
from django.utils.html import format_html


def bio(request):
    text = request.POST.get("bio", "")
    return HttpResponse(format_html("<p>{}</p>", text))
