# expect: CWE-502
import json
import time

import jsonpickle
from aiohttp import web


class DraftStore:
    def __init__(self, codec=jsonpickle):
        self.codec = codec
        self._drafts = {}

    def put(self, key: str, blob: str):
        self._drafts[key] = (time.time(), self.codec.decode(blob))

    def get(self, key: str):
        entry = self._drafts.get(key)
        return None if entry is None else entry[1]


async def save_draft(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    blob = await request.text()
    request.app["drafts"].put(key, blob)
    return web.json_response({"saved": key})


async def load_draft(request: web.Request) -> web.Response:
    draft = request.app["drafts"].get(request.match_info["key"])
    if draft is None:
        raise web.HTTPNotFound()
    return web.Response(text=json.dumps(draft, default=str), content_type="application/json")


def create_app() -> web.Application:
    app = web.Application()
    app["drafts"] = DraftStore()
    app.router.add_put("/drafts/{key}", save_draft)
    app.router.add_get("/drafts/{key}", load_draft)
    return app
