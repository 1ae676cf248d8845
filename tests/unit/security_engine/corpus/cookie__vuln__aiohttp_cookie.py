from aiohttp import web


async def login(request):
    resp = web.json_response({"ok": True})
    resp.set_cookie("auth", "token-value", httponly=False, secure=False)
    return resp
