# expect: CWE-22
from pathlib import Path
from aiohttp import web

BASE = Path("/srv/files")

async def download(request):
    name = request.match_info["name"]
    target = BASE / name
    return web.Response(body=target.read_bytes())
