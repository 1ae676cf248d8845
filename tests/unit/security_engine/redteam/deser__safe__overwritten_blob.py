# expect: safe
import base64
import pickle

from fastapi import FastAPI, Request

app = FastAPI()
EMPTY = base64.b64encode(pickle.dumps([]))


@app.get("/items")
async def items(request: Request):
    blob = request.cookies.get("items", "")
    blob = EMPTY
    return {"items": pickle.loads(base64.b64decode(blob))}
