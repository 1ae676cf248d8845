# expect: CWE-328
import hashlib
import secrets

from fastapi import FastAPI

app = FastAPI()
STORE = {}


@app.post("/api-keys")
def new_key():
    api_key = secrets.token_urlsafe(32)
    STORE[hashlib.sha1(api_key.encode()).hexdigest()] = True
    return {"api_key": api_key}
