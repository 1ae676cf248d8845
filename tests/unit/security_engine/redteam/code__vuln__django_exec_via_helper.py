# expect: CWE-95
from django.http import JsonResponse


def run_snippet(source):
    scope = {}
    exec(source, scope)
    return scope.get("result")


def snippet_view(request):
    result = run_snippet(request.POST.get("code", ""))
    return JsonResponse({"result": repr(result)})
