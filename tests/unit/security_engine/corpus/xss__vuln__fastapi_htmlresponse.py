from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

app = FastAPI()


@app.get("/echo")
async def echo(request: Request):
    said = request.query_params.get("say", "")
    return HTMLResponse("<pre>{}</pre>".format(said))
