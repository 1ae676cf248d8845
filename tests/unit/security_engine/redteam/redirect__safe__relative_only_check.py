# expect: safe
from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/next")
def nxt():
    target = request.args.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    return redirect(target)
