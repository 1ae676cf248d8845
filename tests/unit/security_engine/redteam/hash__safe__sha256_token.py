# expect: safe
import hashlib
import secrets

from aiohttp import web


async def api_key(request: web.Request) -> web.Response:
    token = secrets.token_urlsafe(32)
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    return web.json_response({"token": token, "hash": token_hash})
