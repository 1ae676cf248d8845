# expect: CWE-90
import ldap

from django.http import JsonResponse


def people(request):
    name = request.GET.get("cn", "")
    conn = ldap.initialize("ldap://ldap.internal")
    flt = "(&(objectClass=person)(cn=%s))" % name
    rows = conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, flt)
    return JsonResponse({"count": len(rows)})
