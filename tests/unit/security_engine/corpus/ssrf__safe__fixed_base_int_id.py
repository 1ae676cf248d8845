import requests
from fastapi import FastAPI

app = FastAPI()


@app.get("/repo/{repo_id}")
def repo(repo_id: int):
    r = requests.get(f"https://api.example.com/repos/{repo_id}", timeout=5)
    return r.json()
