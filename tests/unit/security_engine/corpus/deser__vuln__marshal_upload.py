import marshal

from fastapi import FastAPI, UploadFile

app = FastAPI()


@app.post("/code")
async def code(file: UploadFile):
    payload = await file.read()
    obj = marshal.loads(payload)
    return {"type": type(obj).__name__}
