# expect: CWE-1004
import secrets

from flask import Flask, make_response

app = Flask(__name__)


@app.route("/login")
def login():
    resp = make_response("welcome")
    resp.set_cookie("sessionid", secrets.token_hex(16), secure=True)
    return resp
