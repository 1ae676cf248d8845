# expect: CWE-78
import os
from collections import deque

from aiohttp import web


async def search_logs(request: web.Request) -> web.Response:
    pending = deque()
    pending.append(await request.text())
    needle = pending.popleft()
    with os.popen(f"grep -n {needle} /var/log/app.log") as pipe:
        return web.Response(text=pipe.read())
