# expect: CWE-22
from fastapi import FastAPI, UploadFile

app = FastAPI()


@app.post("/upload")
async def upload(document: UploadFile):
    with open(f"/srv/uploads/{document.filename}", "wb") as fh:
        fh.write(await document.read())
    return {"ok": True}
