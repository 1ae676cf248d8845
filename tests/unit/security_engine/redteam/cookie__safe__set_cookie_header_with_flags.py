# expect: safe
import secrets

from aiohttp import web


async def login_finish(request: web.Request) -> web.Response:
    resp = web.Response(text="welcome")
    resp.headers.add("Set-Cookie", f"session_id={secrets.token_hex(16)}; Path=/; Secure; HttpOnly; SameSite=Lax")
    return resp
