import os

from flask import Flask, request

app = Flask(__name__)


@app.route("/tail")
def tail():
    lines, path = request.args.get("n", "10"), request.args.get("path", "/var/log/syslog")
    command = "tail -n " + lines
    command += " " + path
    os.system(command)
    return "ok"
