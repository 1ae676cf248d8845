# expect: safe
import random
import time

from aiohttp import web


async def poll(request: web.Request) -> web.Response:
    delay = 0.5 + random.random()
    time.sleep(delay)
    return web.json_response({"waited": delay})
