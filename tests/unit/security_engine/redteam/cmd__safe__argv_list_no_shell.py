# expect: safe
import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "localhost")
    done = subprocess.run(["ping", "-c", "1", host], shell=False, capture_output=True, timeout=5)
    return {"code": done.returncode}
