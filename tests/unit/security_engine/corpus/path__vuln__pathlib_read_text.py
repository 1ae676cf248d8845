from pathlib import Path

from fastapi import FastAPI

app = FastAPI()
BASE = Path("/srv/docs")


@app.get("/docs")
def doc(page: str):
    target = BASE / page
    return {"text": target.read_text()}
