from django.http import JsonResponse

from .models import Article


def search(request):
    term = request.GET["q"]
    query = "SELECT * FROM blog_article WHERE title LIKE '%" + term + "%'"
    articles = Article.objects.raw(query)
    return JsonResponse({"ids": [a.id for a in articles]})
