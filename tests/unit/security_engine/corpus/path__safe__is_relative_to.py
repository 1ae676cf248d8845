from pathlib import Path

from fastapi import FastAPI, HTTPException

app = FastAPI()
ROOT = Path("/srv/reports").resolve()


@app.get("/report")
def report(name: str):
    target = (ROOT / name).resolve()
    if not target.is_relative_to(ROOT):
        raise HTTPException(status_code=404)
    return {"text": target.read_text()}
