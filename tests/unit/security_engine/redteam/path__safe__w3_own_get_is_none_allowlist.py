# expect: safe
import os

from aiohttp import web

BASE = "/srv/templates"
TEMPLATES = {"invoice.txt": "Invoice", "receipt.txt": "Receipt"}


async def template(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if TEMPLATES.get(name) is None:
        raise web.HTTPNotFound()
    with open(os.path.join(BASE, name)) as fh:
        return web.Response(text=fh.read())
