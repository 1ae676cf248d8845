# expect: safe
import subprocess

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/trace")
async def trace(request: Request):
    body = await request.json()
    target = body.get("target")
    target = "localhost"
    subprocess.call("traceroute " + target, shell=True)
    return {"ok": True}
