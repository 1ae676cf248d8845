# expect: safe
import asyncio

from aiohttp import web


async def archive(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    proc = await asyncio.create_subprocess_exec("zip", "-r", f"/tmp/{name}.zip", f"/srv/projects/{name}")
    await proc.wait()
    return web.Response(text="zipped")
