# expect: safe
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.get("/echo")
async def echo(q: str):
    return PlainTextResponse(f"<b>{q}</b>")
