# expect: safe
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

app = FastAPI()


@app.get("/count")
async def count(request: Request):
    n = int(request.query_params.get("n", "0"))
    return HTMLResponse(f"<p>{n} items</p>")
