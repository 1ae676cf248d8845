# expect: CWE-1004
from fastapi import FastAPI, Response

app = FastAPI()


@app.post("/session")
def start(response: Response):
    response.set_cookie(key="session", value="abc", httponly=False, secure=True)
    return {"ok": True}
