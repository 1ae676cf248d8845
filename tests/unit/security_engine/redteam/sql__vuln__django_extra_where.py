# expect: CWE-89
from django.http import JsonResponse

from .models import Article


def articles(request):
    tag = request.GET.get("tag", "")
    found = Article.objects.extra(where=[f"tags LIKE '%%{tag}%%'"])
    return JsonResponse({"n": found.count()})
