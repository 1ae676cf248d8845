# expect: CWE-643
import xml.etree.ElementTree as ET

from aiohttp import web

TREE = ET.parse("/srv/data/orders.xml")


async def orders(request: web.Request) -> web.Response:
    customer = request.query.get("customer", "")
    found = [o.get("id") for o in TREE.getroot().iterfind(".//order[@customer='" + customer + "']")]
    return web.json_response(found)
