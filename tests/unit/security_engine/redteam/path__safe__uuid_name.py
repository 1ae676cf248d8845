# expect: safe
import uuid

from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/blob")
async def blob(request: Request):
    blob_id = uuid.UUID(request.query_params["id"])
    with open(f"/srv/blobs/{blob_id}.bin", "rb") as fh:
        return {"size": len(fh.read())}
