# expect: CWE-330
from random import getrandbits

from aiohttp import web


async def reset(request: web.Request) -> web.Response:
    reset_key = "%032x" % getrandbits(128)
    return web.json_response({"reset_key": reset_key})
