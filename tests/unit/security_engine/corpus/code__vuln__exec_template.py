from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hook(request):
    body = await request.json()
    source = "def handler(event):\n    " + body["code"]
    namespace = {}
    exec(source, namespace)
    return JSONResponse({"defined": sorted(namespace)})


app = Starlette(routes=[Route("/hook", hook, methods=["POST"])])
