# expect: CWE-95
from django.http import JsonResponse


def _apply_rule(rule_source, record):
    check = eval("lambda r: " + rule_source)
    return check(record)


def evaluate(request):
    rule = request.POST["rule"]
    return JsonResponse({"match": _apply_rule(rule, {"age": 30})})
