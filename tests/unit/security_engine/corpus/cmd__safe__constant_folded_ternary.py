import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/t")
def t():
    param = request.headers.get("X-Job", "")
    num = 86
    bar = "echo nightly" if (7 * 42) - num > 200 else param
    os.system(bar)
    return "ok"
