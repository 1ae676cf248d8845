# expect: safe
import yaml
from fastapi import FastAPI, Request

app = FastAPI()

@app.post("/cfg")
async def cfg(req: Request):
    body = await req.body()
    return yaml.safe_load(body)
