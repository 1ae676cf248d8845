# expect: CWE-614
from aiohttp import web


async def track(request: web.Request) -> web.Response:
    response = web.Response(text="ok")
    response.set_cookie("visitor", request.query.get("id", "anon"))
    return response
