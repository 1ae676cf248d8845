# expect: safe
from aiohttp import web

SECURE_COOKIES = True


async def track(request: web.Request) -> web.Response:
    response = web.Response(text="ok")
    response.set_cookie("visitor", "anon", secure=SECURE_COOKIES, httponly=SECURE_COOKIES)
    return response
