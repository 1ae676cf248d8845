# expect: CWE-90
from aiohttp import web
from ldap3 import Connection


async def find(request: web.Request) -> web.Response:
    data = await request.json()
    conn = Connection("ldap://ldap", auto_bind=True)
    conn.search(search_base="dc=example,dc=com", search_filter="(cn=" + data["cn"] + ")")
    return web.json_response({"n": len(conn.entries)})
