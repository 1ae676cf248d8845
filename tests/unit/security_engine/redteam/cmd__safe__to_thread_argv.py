# expect: safe
import asyncio
import subprocess

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/convert")
async def convert(request: Request):
    body = await request.json()
    done = await asyncio.to_thread(subprocess.run, ["convert", body["src"], "out.pdf"], check=False)
    return {"status": done.returncode}
