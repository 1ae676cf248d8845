import subprocess

from flask import Flask, request

app = Flask(__name__)
DEBUG_SHELL = False


@app.route("/run")
def run():
    arg = request.args.get("arg", "")
    if DEBUG_SHELL:
        subprocess.call("echo " + arg, shell=True)
    return {"ok": True}
