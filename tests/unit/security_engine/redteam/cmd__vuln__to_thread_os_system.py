# expect: CWE-78
import asyncio
import os

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/convert")
async def convert(request: Request):
    body = await request.json()
    status = await asyncio.to_thread(os.system, "convert " + body["src"] + " out.pdf")
    return {"status": status}
