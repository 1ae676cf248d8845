# expect: safe
from pathlib import Path
from aiohttp import web

BASE = Path("/srv/files").resolve()

async def download(request):
    name = request.match_info["name"]
    target = (BASE / name).resolve()
    if not target.is_relative_to(BASE):
        raise web.HTTPForbidden()
    return web.Response(body=target.read_bytes())
