import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/job")
def job():
    opts = {"nice": "10"}
    opts["target"] = request.values.get("target")
    os.system("nice -n " + opts["nice"] + " backup " + opts["target"])
    return "started"
