# expect: CWE-22
import asyncio
import os

from aiohttp import web


async def purge(request: web.Request) -> web.Response:
    name = request.query.get("name", "")
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, os.remove, "/srv/cache/" + name)
    return web.Response(text="purged")
