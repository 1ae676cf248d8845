import os
from fastapi import FastAPI, HTTPException, Query
app = FastAPI()
ROOT = "/srv"

@app.get("/read")
def read(file: str = Query(...)):
    path = os.path.normpath(os.path.join(ROOT, file))
    if not path.startswith(ROOT + os.sep):
        raise HTTPException(400)
    with open(path) as fh:
        return {"text": fh.read()}
