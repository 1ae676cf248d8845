# expect: safe
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/sw")
def sw():
    param = request.args.get("p", "")
    guess = "ABC"
    switch_target = guess[1]
    match switch_target:
        case "A":
            bar = param
        case "B":
            bar = "ls"
        case _:
            bar = param
    os.system(bar)
    return "ok"
