# expect: safe
import os

from fastapi import FastAPI, UploadFile

app = FastAPI()


@app.post("/upload")
async def upload(document: UploadFile):
    name = os.path.basename(document.filename or "upload.bin")
    with open(os.path.join("/srv/uploads", name), "wb") as fh:
        fh.write(await document.read())
    return {"ok": True}
