# expect: safe
from aiohttp import web


async def settings_return(request: web.Request) -> web.Response:
    back = request.query.get("back", "/account/")
    if not back.startswith("/account/"):
        back = "/account/"
    raise web.HTTPFound(back)
