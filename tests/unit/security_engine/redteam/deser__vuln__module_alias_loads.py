# expect: CWE-502
import pickle

from aiohttp import web

decode = pickle.loads


async def restore(request: web.Request) -> web.Response:
    state = decode(await request.read())
    return web.json_response({"keys": sorted(state)})
