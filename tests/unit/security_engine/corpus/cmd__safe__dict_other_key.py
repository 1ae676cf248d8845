import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/job")
def job():
    opts = {"target": "default"}
    opts["user_note"] = request.values.get("note")
    os.system("backup " + opts["target"])
    return "started"
