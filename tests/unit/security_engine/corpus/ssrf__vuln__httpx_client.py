import httpx
from fastapi import FastAPI

app = FastAPI()
client = httpx.AsyncClient(timeout=3)


@app.get("/fetch")
async def fetch(target: str):
    r = await client.get("https://" + target + "/status")
    return {"code": r.status_code}
