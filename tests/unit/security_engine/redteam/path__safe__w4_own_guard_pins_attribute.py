# expect: safe
import os

from aiohttp import web

MODELS = "/srv/models"


async def upload(request):
    reader = await request.multipart()
    part = await reader.next()
    if part is None or part.name != "model":
        return web.json_response({"error": "missing model"}, status=400)
    target = os.path.join(MODELS, part.name + ".bin")
    with open(target, "wb") as out:
        out.write(await part.read())
    return web.json_response({"saved": os.path.basename(target)})
