# expect: CWE-22
from urllib.parse import unquote

from fastapi import FastAPI
from fastapi.responses import FileResponse

app = FastAPI()


@app.get("/static/{name}")
async def static(name: str):
    return FileResponse("/srv/static/" + unquote(name))
