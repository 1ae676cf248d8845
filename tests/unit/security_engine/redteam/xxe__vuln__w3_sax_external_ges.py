# expect: CWE-611
import io
import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges

from aiohttp import web


class FeedHandler(ContentHandler):
    def __init__(self):
        super().__init__()
        self.items = []
        self._current = None
        self._text = []

    def startElement(self, name, attrs):
        if name == "item":
            self._current = {}
        self._text = []

    def characters(self, content):
        self._text.append(content)

    def endElement(self, name):
        value = "".join(self._text).strip()
        if self._current is not None and name in ("title", "link", "description"):
            self._current[name] = value
        if name == "item" and self._current is not None:
            self.items.append(self._current)
            self._current = None


def _make_reader(handler):
    reader = xml.sax.make_parser()
    reader.setContentHandler(handler)
    flags = {feature_external_ges: True}
    for feature, enabled in flags.items():
        reader.setFeature(feature, enabled)
    return reader


async def import_feed(request: web.Request) -> web.Response:
    body = await request.read()
    handler = FeedHandler()
    reader = _make_reader(handler)
    reader.parse(io.BytesIO(body))
    return web.json_response({"count": len(handler.items), "items": handler.items[:20]})


app = web.Application(client_max_size=4 * 1024 * 1024)
app.router.add_post("/feeds/import", import_feed)
