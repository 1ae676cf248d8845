# expect: safe
import subprocess

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


class Probe:
    def __init__(self):
        self.host = "127.0.0.1"

    def configure(self, host):
        self.host = host.strip()

    def run(self):
        return subprocess.run(["ping", "-c", "1", "--", self.host], capture_output=True).returncode


async def ping(request):
    probe = Probe()
    probe.configure(request.query_params.get("host", "localhost"))
    return PlainTextResponse(f"exit {probe.run()}")


app = Starlette(routes=[Route("/ping", ping)])
