from aiohttp import web


async def report(request):
    name = request.query.get("name", "latest.pdf")
    return web.FileResponse(f"/srv/reports/{name}")
