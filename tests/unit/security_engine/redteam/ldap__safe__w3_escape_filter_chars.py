# expect: safe
import os

from ldap3 import ALL, Connection, Server
from ldap3.utils.conv import escape_filter_chars
from django.http import JsonResponse
from django.contrib.auth.decorators import login_required

SERVER = Server(os.environ.get("LDAP_HOST", "ldap.corp.example.com"), use_ssl=True, get_info=ALL)
BASE_DN = "ou=groups,dc=corp,dc=example,dc=com"


def _connection() -> Connection:
    return Connection(
        SERVER,
        user=os.environ["LDAP_BIND_DN"],
        password=os.environ["LDAP_BIND_PASSWORD"],
        auto_bind=True,
    )


def groups_filter(member_uid: str) -> str:
    return "(&(objectClass=posixGroup)(memberUid={}))".format(escape_filter_chars(member_uid))


@login_required
def user_groups(request):
    uid = request.GET.get("uid", request.user.username)
    with _connection() as conn:
        conn.search(BASE_DN, groups_filter(uid), attributes=["cn", "gidNumber"])
        groups = [{"cn": str(e.cn), "gid": int(e.gidNumber.value)} for e in conn.entries]
    return JsonResponse({"uid": uid, "groups": groups})
