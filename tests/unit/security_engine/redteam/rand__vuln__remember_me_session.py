# expect: CWE-330
from flask import Flask, make_response, request, session

app = Flask(__name__)


@app.route("/remember", methods=["POST"])
def remember():
    import random

    user = request.form.get("user", "anon")
    value = random.random()
    remember_key = str(value)[2:]
    session[user + ":remember"] = remember_key
    resp = make_response("remembered")
    resp.set_cookie("remember", remember_key, secure=True, httponly=True)
    return resp
