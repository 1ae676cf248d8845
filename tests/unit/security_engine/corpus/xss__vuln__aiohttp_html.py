from aiohttp import web


async def banner(request):
    msg = request.query["msg"]
    html = "<div class='banner'>%s</div>" % msg
    return web.Response(text=html, content_type="text/html")
