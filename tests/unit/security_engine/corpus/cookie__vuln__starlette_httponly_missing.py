from starlette.responses import JSONResponse


async def login(request):
    resp = JSONResponse({"ok": True})
    resp.set_cookie("sid", "value", secure=True, samesite="strict")
    return resp
