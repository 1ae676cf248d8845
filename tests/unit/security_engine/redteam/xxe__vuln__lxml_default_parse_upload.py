# expect: CWE-611
from django.http import JsonResponse
from lxml import etree


def upload(request):
    tree = etree.parse(request.FILES["doc"])
    return JsonResponse({"root": tree.getroot().tag})
