import yaml
from django.http import JsonResponse


def import_config(request):
    doc = yaml.load(request.body, Loader=yaml.Loader)
    return JsonResponse({"keys": sorted(doc)})
