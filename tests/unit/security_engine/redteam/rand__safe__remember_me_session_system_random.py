# expect: safe
from flask import Flask, make_response, session

app = Flask(__name__)


@app.route("/remember2", methods=["POST"])
def remember2():
    import random

    rng = random.SystemRandom()
    remember_key = str(rng.random())[2:]
    session["remember"] = remember_key
    resp = make_response("remembered")
    resp.set_cookie("remember", remember_key, secure=True, httponly=True)
    return resp
