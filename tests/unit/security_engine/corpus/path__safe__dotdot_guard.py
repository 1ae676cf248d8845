from aiohttp import web


async def page(request):
    name = request.match_info["name"]
    if ".." in name or name.startswith("/"):
        raise web.HTTPBadRequest()
    with open("/srv/pages/" + name) as fh:
        return web.Response(text=fh.read())
