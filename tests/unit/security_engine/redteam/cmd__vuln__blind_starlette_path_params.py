# expect: CWE-78
import asyncio

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def archive(request):
    name = request.path_params["name"]
    proc = await asyncio.create_subprocess_shell(f"zip -r /tmp/{name}.zip /srv/projects/{name}")
    await proc.wait()
    return PlainTextResponse("zipped")


app = Starlette(routes=[Route("/archive/{name}", archive)])
