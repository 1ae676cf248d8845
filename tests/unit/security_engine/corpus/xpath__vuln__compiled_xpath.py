from aiohttp import web
from lxml import etree

TREE = etree.parse("inventory.xml")


async def stock(request):
    sku = request.match_info["sku"]
    finder = etree.XPath("//item[sku='%s']/qty" % sku)
    return web.json_response({"qty": [q.text for q in finder(TREE)]})
