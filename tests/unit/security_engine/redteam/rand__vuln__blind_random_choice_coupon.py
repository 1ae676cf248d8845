# expect: CWE-330
import random
import string

from aiohttp import web


async def coupon(request: web.Request) -> web.Response:
    secret_code = "".join(random.choice(string.ascii_uppercase) for _ in range(10))
    return web.json_response({"coupon": secret_code})
