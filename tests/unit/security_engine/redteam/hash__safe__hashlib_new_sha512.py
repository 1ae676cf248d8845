# expect: safe
import hashlib

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/token")
async def token(request: Request):
    body = await request.body()
    return {"digest": hashlib.new("sha512", body).hexdigest()}
