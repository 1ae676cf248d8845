# expect: CWE-601
from aiohttp import web


async def bounce(request: web.Request) -> web.Response:
    location = request.query.get("r", "/")
    raise web.HTTPFound(location)
