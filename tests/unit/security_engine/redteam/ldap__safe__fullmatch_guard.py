# expect: safe
import re

from aiohttp import web
from ldap3 import Connection


async def member(request: web.Request) -> web.Response:
    uid = request.query.get("uid", "")
    if not re.fullmatch(r"[a-z0-9_]{1,32}", uid):
        return web.Response(status=400, text="bad uid")
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search("dc=example,dc=com", "(uid=%s)" % uid)
    return web.json_response({"n": len(conn.entries)})
