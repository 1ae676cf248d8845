import io

import lxml.etree as ET
from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/svg")
async def svg(request: Request):
    raw = await request.body()
    tree = ET.parse(io.BytesIO(raw))
    return {"tag": tree.getroot().tag}
