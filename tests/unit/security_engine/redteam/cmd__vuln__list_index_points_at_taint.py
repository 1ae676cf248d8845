# expect: CWE-78
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/run2")
def run2():
    param = request.cookies.get("cmd", "")
    values = []
    values.append("safe")
    values.append(param)
    values.append("date")
    values.remove(values[0])
    chosen = values[0]
    os.system(chosen)
    return "done"
