# expect: CWE-78
import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/sleep")
def sleep():
    seconds = request.args.get("s", "1")
    try:
        int(seconds)
    except ValueError:
        return "bad", 400
    os.system("sleep " + seconds)
    return "done"
