import yaml
from django.http import JsonResponse


def import_config(request):
    doc = yaml.safe_load(request.body)
    other = yaml.load(request.body, Loader=yaml.SafeLoader)
    return JsonResponse({"keys": sorted(doc), "same": doc == other})
