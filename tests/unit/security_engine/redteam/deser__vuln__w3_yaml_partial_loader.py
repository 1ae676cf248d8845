# expect: CWE-502
import functools

from fastapi import FastAPI, File, HTTPException, UploadFile
from yaml import Loader, YAMLError, load

app = FastAPI(title="pipeline-config")

read_config = functools.partial(load, Loader=Loader)

REQUIRED_KEYS = ("name", "stages")


def validate(cfg) -> list[str]:
    problems = []
    if not isinstance(cfg, dict):
        return ["top level must be a mapping"]
    for key in REQUIRED_KEYS:
        if key not in cfg:
            problems.append(f"missing key: {key}")
    for i, stage in enumerate(cfg.get("stages", []) or []):
        if "run" not in stage:
            problems.append(f"stage {i} has no run step")
    return problems


@app.post("/pipelines/validate")
async def validate_pipeline(file: UploadFile = File(...)):
    text = (await file.read()).decode("utf-8")
    try:
        cfg = read_config(text)
    except YAMLError as exc:
        raise HTTPException(status_code=422, detail=str(exc))
    problems = validate(cfg)
    return {"valid": not problems, "problems": problems}
