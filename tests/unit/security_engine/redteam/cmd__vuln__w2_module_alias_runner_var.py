# expect: CWE-78
import subprocess as sp
from flask import Flask, request as rq

app = Flask(__name__)

def build(cmdline):
    return "ping -c 1 " + cmdline

@app.route("/ping")
def ping():
    host = rq.values.get("host", "")
    runner = sp.check_output
    return runner(build(host), shell=True)
