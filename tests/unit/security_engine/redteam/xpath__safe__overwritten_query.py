# expect: safe
from aiohttp import web
from lxml import etree

DOC = etree.parse("catalog.xml")


async def section(request: web.Request) -> web.Response:
    section_name = request.match_info["section"]
    section_name = "catalog"
    nodes = DOC.xpath(f"//{section_name}/entry")
    return web.json_response({"n": len(nodes)})
