import xml.etree.ElementTree as ET

from django.http import JsonResponse

CATALOG = ET.parse("catalog.xml")


def book(request):
    title = request.GET["title"]
    hits = CATALOG.getroot().findall(".//book[title='" + title + "']")
    return JsonResponse({"count": len(hits)})
