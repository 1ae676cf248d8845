# expect: CWE-601
from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse

app = FastAPI()


@app.get("/go")
async def go(request: Request):
    return RedirectResponse(url=request.query_params["to"])
