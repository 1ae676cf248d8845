from fastapi import Body, FastAPI

app = FastAPI()


@app.post("/run")
def run(snippet: str = Body(...)):
    scope: dict = {}
    exec(snippet.strip(), scope)
    return {"names": list(scope)}
