# expect: safe
from flask import Flask, request, session

app = Flask(__name__)


@app.route("/guest")
def guest():
    _ = request.args.get("from")
    session["user"] = "guest"
    return "ok"
