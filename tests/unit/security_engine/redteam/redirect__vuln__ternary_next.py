# expect: CWE-601
from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/after")
def after():
    nxt = request.args.get("next")
    return redirect(nxt if nxt else "/home")
