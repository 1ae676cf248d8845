# expect: safe
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/run")
def run():
    param = request.cookies.get("cmd", "")
    values = []
    values.append("safe")
    values.append(param)
    values.append("date")
    values.remove(values[0])
    chosen = values[1]
    os.system(chosen)
    return "done"
