# expect: CWE-79
from django.http import HttpResponse


class Page:
    def __init__(self, title):
        self.title = title

    def html(self):
        return "<h1>%s</h1>" % self.title


def show(request):
    return HttpResponse(Page(request.GET.get("title", "")).html())
