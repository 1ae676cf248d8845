# expect: safe
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request

app = FastAPI()
ROOT = Path("/srv/share")


@app.get("/share")
async def share(request: Request):
    target = (ROOT / request.query_params.get("f", "")).resolve()
    if not target.is_relative_to(ROOT):
        raise HTTPException(status_code=403)
    return {"size": len(target.read_bytes())}
