# expect: safe
import ldap
import ldap.filter

from django.http import JsonResponse


def people(request):
    name = ldap.filter.escape_filter_chars(request.GET.get("cn", ""))
    conn = ldap.initialize("ldap://ldap.internal")
    rows = conn.search_s("ou=people,dc=example,dc=com", ldap.SCOPE_SUBTREE, "(cn=%s)" % name)
    return JsonResponse({"count": len(rows)})
