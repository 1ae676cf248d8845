import ldap
from django.http import JsonResponse


def admins(request):
    _ = request.GET.get("group")
    l = ldap.initialize("ldap://dir.example.org")
    res = l.search_s("dc=example,dc=org", ldap.SCOPE_SUBTREE, "(memberOf=cn=admins,dc=example,dc=org)")
    return JsonResponse({"n": len(res)})
