# expect: CWE-79
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

app = FastAPI()


@app.get("/echo")
async def echo(request: Request):
    msg = request.query_params.get("msg", "")
    return HTMLResponse(content="<div>%s</div>" % msg)
