# expect: CWE-78
import subprocess

from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/version")
async def tool_version(request: Request):
    tool = request.query_params["tool"]
    done = subprocess.run([tool, "--version"], capture_output=True, text=True)
    return {"version": done.stdout}
