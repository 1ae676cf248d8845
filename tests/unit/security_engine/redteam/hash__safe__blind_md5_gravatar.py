# expect: safe
import hashlib

from fastapi import FastAPI

app = FastAPI()


@app.get("/avatar")
def avatar(email: str):
    gravatar = hashlib.md5(email.strip().lower().encode()).hexdigest()
    return {"url": f"https://www.gravatar.com/avatar/{gravatar}"}
