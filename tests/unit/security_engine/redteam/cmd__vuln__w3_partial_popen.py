# expect: CWE-78
import asyncio
import functools
import subprocess

from aiohttp import web

routes = web.RouteTableDef()

shell_popen = functools.partial(subprocess.Popen, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

DEFAULT_LINES = 50


class LogTailer:
    def __init__(self, service: str, lines: int = DEFAULT_LINES):
        self.service = service
        self.lines = lines

    def command(self) -> str:
        return "journalctl -u {} -n {} --no-pager".format(self.service, self.lines)

    def read(self) -> str:
        proc = shell_popen(self.command())
        out, _ = proc.communicate(timeout=15)
        return out.decode("utf-8", "replace")


@routes.get("/logs/{service}")
async def tail_logs(request: web.Request) -> web.Response:
    service = request.match_info["service"]
    try:
        lines = int(request.query.get("lines", DEFAULT_LINES))
    except ValueError:
        lines = DEFAULT_LINES
    tailer = LogTailer(service, lines)
    loop = asyncio.get_running_loop()
    text = await loop.run_in_executor(None, tailer.read)
    return web.Response(text=text, content_type="text/plain")


@routes.get("/ready")
async def ready(_request: web.Request) -> web.Response:
    return web.json_response({"ready": True})


def make_app() -> web.Application:
    app = web.Application()
    app.add_routes(routes)
    return app


if __name__ == "__main__":
    web.run_app(make_app(), host="127.0.0.1", port=8090)
