# expect: safe
import defusedxml.ElementTree as DET
from django.http import JsonResponse


def upload(request):
    tree = DET.parse(request.FILES["doc"])
    return JsonResponse({"root": tree.getroot().tag})
