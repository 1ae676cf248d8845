# expect: CWE-95
from urllib.parse import unquote

from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/expr")
async def expr(request: Request):
    text = unquote(request.query_params.get("e", ""))
    code = compile(f"({text})", "<expr>", "eval")
    return {"value": eval(code)}
