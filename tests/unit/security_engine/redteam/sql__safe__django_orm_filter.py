# expect: safe
from django.http import JsonResponse

from .models import Article


def articles(request):
    tag = request.GET.get("tag", "")
    found = Article.objects.filter(tags__icontains=tag)
    return JsonResponse({"n": found.count()})
