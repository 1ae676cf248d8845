# expect: safe
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/status")
def status():
    param = request.headers.get("X-Command", "")
    num = 86
    if (7 * 42) - num > 200:
        cmd = "uptime"
    else:
        cmd = param
    os.system(cmd)
    return "ok"
