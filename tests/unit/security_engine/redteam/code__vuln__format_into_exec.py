# expect: CWE-95
from fastapi import FastAPI

app = FastAPI()


@app.get("/setvar/{name}")
def setvar(name: str):
    scope = {}
    exec("{} = 1".format(name), scope)
    return {"ok": True}
