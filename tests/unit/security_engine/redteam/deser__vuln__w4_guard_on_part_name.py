# expect: CWE-502
import io
import pickle
from aiohttp import web


class ModelStore:
    def __init__(self):
        self.models = {}

    def add(self, name, fileobj):
        self.models[name] = pickle.load(fileobj)
        return type(self.models[name]).__name__


STORE = ModelStore()


async def upload_model(request):
    reader = await request.multipart()
    part = await reader.next()
    if part is None or part.name != "model":
        return web.json_response({"error": "missing model"}, status=400)
    raw = await part.read()
    kind = STORE.add(part.filename or "unnamed", io.BytesIO(raw))
    return web.json_response({"loaded": kind})


app = web.Application()
app.router.add_post("/models", upload_model)
