# expect: safe
from aiohttp import web

FORMULAS = {"area": "3.14159 * 2 ** 2", "volume": "4 / 3 * 3.14159 * 2 ** 3"}


async def formula(request: web.Request) -> web.Response:
    key = request.match_info.get("name", "area")
    expression = FORMULAS.get(key, "0")
    return web.json_response({"value": eval(expression)})
