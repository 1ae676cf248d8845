import random

from flask import Flask, make_response

app = Flask(__name__)


@app.route("/start")
def start():
    value = str(random.getrandbits(64))
    resp = make_response("ok")
    resp.set_cookie("sid", value, secure=True, httponly=True)
    return resp
