# expect: CWE-502
import marshal

from django.http import JsonResponse


def restore(request):
    obj = marshal.loads(request.body)
    return JsonResponse({"type": type(obj).__name__})
