import aiohttp
from aiohttp import web


async def proxy(request):
    upstream = request.query.get("upstream")
    async with aiohttp.ClientSession() as s:
        async with s.get(upstream) as r:
            return web.json_response({"status": r.status})
