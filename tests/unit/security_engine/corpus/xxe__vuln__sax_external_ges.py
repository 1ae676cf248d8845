import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges

from django.http import JsonResponse


def upload(request):
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    parser.setContentHandler(ContentHandler())
    parser.parse(request.FILES["feed"])
    return JsonResponse({"ok": True})
