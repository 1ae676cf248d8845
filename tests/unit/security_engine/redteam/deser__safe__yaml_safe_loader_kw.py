# expect: safe
import yaml
from aiohttp import web


async def upload(request: web.Request) -> web.Response:
    text = await request.text()
    doc = yaml.load(text, Loader=yaml.SafeLoader)
    return web.json_response({"n": len(doc)})
