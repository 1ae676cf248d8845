# expect: safe
import json

from aiohttp import web

decode = json.loads


async def restore(request: web.Request) -> web.Response:
    state = decode(await request.read())
    return web.json_response({"keys": sorted(state)})
