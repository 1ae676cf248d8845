from aiohttp import web


async def bounce(request):
    where = request.rel_url.query.get("to", "/")
    raise web.HTTPFound(location=where)
