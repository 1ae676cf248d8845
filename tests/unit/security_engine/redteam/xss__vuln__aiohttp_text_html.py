# expect: CWE-79
from aiohttp import web


async def profile(request: web.Request) -> web.Response:
    nick = request.match_info["nick"]
    page = "<html><body>{}</body></html>".format(nick)
    return web.Response(text=page, content_type="text/html")
