from django.http import JsonResponse


def build(expr):
    return compile(expr, "<rule>", "eval")


def rule(request):
    code = build(request.POST.get("rule", "True"))
    return JsonResponse({"ok": bool(code)})
