# expect: CWE-501
from aiohttp import web
from aiohttp_session import get_session


async def remember(request: web.Request) -> web.Response:
    session = await get_session(request)
    data = await request.post()
    session["nickname"] = data.get("nickname", "")
    return web.Response(text="ok")
