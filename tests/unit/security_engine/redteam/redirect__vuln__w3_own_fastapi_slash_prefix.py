# expect: CWE-601
from fastapi import FastAPI
from fastapi.responses import RedirectResponse

app = FastAPI()


@app.get("/continue")
async def continue_to(next: str = "/"):
    if not next.startswith("/"):
        next = "/"
    return RedirectResponse(next)
