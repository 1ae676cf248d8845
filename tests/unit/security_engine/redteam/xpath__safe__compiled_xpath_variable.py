# expect: safe
from django.http import JsonResponse
from lxml import etree

CATALOG = etree.parse("catalog.xml")
BY_TITLE = etree.XPath("//book[title=$t]/price")


def book(request):
    title = request.GET.get("title", "")
    return JsonResponse({"prices": [p.text for p in BY_TITLE(CATALOG, t=title)]})
