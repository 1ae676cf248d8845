# expect: CWE-78
import os

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route


class Probe:
    def __init__(self):
        self.host = "127.0.0.1"
        self.count = 1

    def configure(self, host):
        self.host = host.strip()

    def run(self):
        return os.system(f"ping -c {self.count} {self.host}")


async def ping(request):
    probe = Probe()
    probe.configure(request.query_params.get("host", "localhost"))
    status = probe.run()
    return PlainTextResponse(f"exit {status}")


app = Starlette(routes=[Route("/ping", ping)])
