# expect: safe
import subprocess

from aiohttp import web

ACTIONS = {"disk": "df -h", "memory": "free -m", "load": "uptime"}


async def report(request: web.Request) -> web.Response:
    action = request.query.get("action", "load")
    command = ACTIONS.get(action, "uptime")
    out = subprocess.check_output(command, shell=True)
    return web.Response(text=out.decode())
