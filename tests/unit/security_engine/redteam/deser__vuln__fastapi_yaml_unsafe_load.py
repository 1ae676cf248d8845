# expect: CWE-502
import yaml
from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/import")
async def import_doc(request: Request):
    raw = await request.body()
    doc = yaml.unsafe_load(raw)
    return {"n": len(doc)}
