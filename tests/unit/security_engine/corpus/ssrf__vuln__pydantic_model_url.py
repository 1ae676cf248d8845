import httpx
from fastapi import FastAPI
from pydantic import BaseModel
app = FastAPI()

class Hook(BaseModel):
    url: str

@app.post("/hooks/test")
async def test_hook(hook: Hook):
    async with httpx.AsyncClient() as client:
        r = await client.post(hook.url, json={"ping": True})
    return {"status": r.status_code}
