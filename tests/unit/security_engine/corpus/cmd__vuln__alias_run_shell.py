from subprocess import run as sh

from fastapi import FastAPI

api = FastAPI()


@api.get("/archive")
def archive(folder: str):
    done = sh(f"tar czf /tmp/out.tgz {folder}", shell=True, capture_output=True)
    return {"rc": done.returncode}
