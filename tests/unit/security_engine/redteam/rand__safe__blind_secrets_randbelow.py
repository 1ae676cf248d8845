# expect: safe
import secrets

from aiohttp import web


async def coupon(request: web.Request) -> web.Response:
    pin = f"{secrets.randbelow(10**6):06d}"
    return web.json_response({"pin": pin})
