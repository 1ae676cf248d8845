# expect: CWE-78
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/sw")
def sw():
    param = request.args.get("p", "")
    guess = "ABC"
    switch_target = guess[2]
    match switch_target:
        case "A":
            bar = "ls"
        case "C":
            bar = param
        case _:
            bar = "pwd"
    os.system(bar)
    return "ok"
