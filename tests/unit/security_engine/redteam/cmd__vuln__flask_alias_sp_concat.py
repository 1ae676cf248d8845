# expect: CWE-78
import subprocess as sp

from flask import Flask, request

app = Flask(__name__)


@app.route("/ping")
def ping():
    host = request.args.get("host", "127.0.0.1")
    out = sp.check_output("ping -c 1 " + host, shell=True)
    return out.decode()
