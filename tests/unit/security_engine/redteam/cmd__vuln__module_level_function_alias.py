# expect: CWE-78
import os

from flask import Flask, request

app = Flask(__name__)
run_shell = os.system


@app.route("/notify")
def notify():
    run_shell("notify-send " + request.args.get("msg", "hello"))
    return "sent"
