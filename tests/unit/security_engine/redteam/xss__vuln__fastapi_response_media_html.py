# expect: CWE-79
from fastapi import FastAPI
from fastapi.responses import Response

app = FastAPI()


@app.get("/echo")
async def echo(q: str):
    return Response(content=f"<b>{q}</b>", media_type="text/html")
