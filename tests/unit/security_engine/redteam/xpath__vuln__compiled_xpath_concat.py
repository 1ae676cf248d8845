# expect: CWE-643
from django.http import JsonResponse
from lxml import etree

CATALOG = etree.parse("catalog.xml")


def book(request):
    title = request.GET.get("title", "")
    find = etree.XPath("//book[title='" + title + "']/price")
    return JsonResponse({"prices": [p.text for p in find(CATALOG)]})
