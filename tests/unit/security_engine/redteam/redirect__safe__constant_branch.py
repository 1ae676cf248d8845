# expect: safe
from aiohttp import web

USE_NEXT = 3 > 4


async def bounce(request: web.Request) -> web.Response:
    requested = request.query.get("r", "/")
    location = requested if USE_NEXT else "/home"
    raise web.HTTPFound(location)
