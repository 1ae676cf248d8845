import requests
from flask import Flask, request

app = Flask(__name__)
API = "https://api.github.com/"


@app.route("/repo")
def repo():
    owner = request.args.get("owner", "python")
    r = requests.get(f"https://api.github.com/users/{owner}/repos", timeout=5)
    s = requests.get(API + "orgs/" + owner, timeout=5)
    return {"repos": len(r.json()), "org": s.status_code}
