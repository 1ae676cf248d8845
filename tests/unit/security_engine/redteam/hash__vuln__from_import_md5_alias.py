# expect: CWE-328
from hashlib import md5 as digest_md5

from fastapi import FastAPI, Request

app = FastAPI()


@app.post("/signup")
async def signup(request: Request):
    form = await request.form()
    pw_hash = digest_md5(form["password"].encode()).hexdigest()
    return {"hash": pw_hash}
