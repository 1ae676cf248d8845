import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/m")
def m():
    param = request.args.get("p", "")
    guess = "ABC"[1]
    match guess:
        case "A":
            bar = param
        case "B":
            bar = "echo fixed"
        case _:
            bar = param
    os.system(bar)
    return "ok"
