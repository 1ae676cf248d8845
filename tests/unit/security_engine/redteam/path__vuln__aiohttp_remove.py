# expect: CWE-22
import os

from aiohttp import web


async def delete(request: web.Request) -> web.Response:
    data = await request.post()
    os.remove(os.path.join("/srv/tmp", data["name"]))
    return web.Response(text="deleted")
