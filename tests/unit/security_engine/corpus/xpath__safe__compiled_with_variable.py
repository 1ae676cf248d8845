from lxml import etree
from django.http import JsonResponse
DOC = etree.parse("staff.xml")
FIND = etree.XPath("//person[@id=$pid]/name/text()")

def person(request):
    return JsonResponse({"names": FIND(DOC, pid=request.GET.get("id", ""))})
