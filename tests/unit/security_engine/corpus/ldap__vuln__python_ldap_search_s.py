import ldap
from django.http import JsonResponse


def group_members(request):
    group = request.GET["group"]
    l = ldap.initialize("ldap://dir.example.org")
    flt = "(cn=" + group + ")"
    res = l.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, flt)
    return JsonResponse({"n": len(res)})
