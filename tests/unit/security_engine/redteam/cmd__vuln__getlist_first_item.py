# expect: CWE-78
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/batch")
def batch():
    names = request.args.getlist("name")
    first = names[0] if names else "none"
    subprocess.run("echo " + first + " >> /tmp/names.log", shell=True)
    return "ok"
