# expect: CWE-79
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from .models import Article


def _snippet(text: str, length: int = 160) -> str:
    return text if len(text) <= length else text[: length - 1] + "\u2026"


@require_GET
def search(request):
    q = request.GET.get("q", "")
    articles = Article.objects.filter(title__icontains=q)[:20] if q else []
    items = "".join("<li><a href='/a/%d'>%s</a></li>" % (a.pk, a.title) for a in articles)
    body = "<h2>Results for %s</h2><ul>%s</ul>" % (q, items)
    return HttpResponse(body)


@require_GET
def detail(request, pk: int):
    article = get_object_or_404(Article, pk=pk)
    return HttpResponse(_snippet(article.body), content_type="text/plain")
