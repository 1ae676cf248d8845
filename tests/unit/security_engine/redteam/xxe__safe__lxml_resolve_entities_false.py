# expect: safe
from aiohttp import web
from lxml import etree


async def feed(request: web.Request) -> web.Response:
    body = await request.read()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    doc = etree.fromstring(body, parser=parser)
    return web.json_response({"items": len(doc)})
