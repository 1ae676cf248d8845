# expect: CWE-330
import random

from flask import Flask, make_response

app = Flask(__name__)


@app.route("/hello")
def hello():
    resp = make_response("hi")
    resp.set_cookie("sid", str(random.randint(0, 10**12)), secure=True, httponly=True)
    return resp
