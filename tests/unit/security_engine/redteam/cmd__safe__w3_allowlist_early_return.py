# expect: safe
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

MAINTENANCE_COMMANDS = {
    "flush-cache": "redis-cli -n 2 FLUSHDB",
    "rotate-logs": "logrotate -f /etc/logrotate.d/webapp",
    "reload-nginx": "nginx -s reload",
}


def _lookup(action: str):
    return MAINTENANCE_COMMANDS.get(action)


async def run_maintenance(request: Request) -> JSONResponse:
    payload = await request.json()
    action = str(payload.get("action", ""))
    command = _lookup(action)
    if command is None:
        return JSONResponse({"error": "unknown action", "allowed": sorted(MAINTENANCE_COMMANDS)}, status_code=400)
    status = os.system(command)
    return JSONResponse({"action": action, "status": status})


async def list_actions(_request: Request) -> JSONResponse:
    return JSONResponse(sorted(MAINTENANCE_COMMANDS))


app = Starlette(
    routes=[
        Route("/maintenance", run_maintenance, methods=["POST"]),
        Route("/maintenance", list_actions, methods=["GET"]),
    ]
)
