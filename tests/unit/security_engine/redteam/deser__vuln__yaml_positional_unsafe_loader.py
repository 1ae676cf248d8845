# expect: CWE-502
import yaml
from django.http import JsonResponse


def load(request):
    doc = yaml.load(request.body, yaml.UnsafeLoader)
    return JsonResponse({"n": len(doc)})
