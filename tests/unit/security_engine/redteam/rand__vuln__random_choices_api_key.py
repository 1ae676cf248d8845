# expect: CWE-330
import random
import string

from fastapi import FastAPI

app = FastAPI()


@app.post("/keys")
def create_key():
    api_key = "".join(random.choices(string.ascii_letters + string.digits, k=40))
    return {"api_key": api_key}
