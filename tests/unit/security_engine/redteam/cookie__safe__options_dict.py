# expect: safe
from flask import Flask, make_response

app = Flask(__name__)
COOKIE_OPTS = {"secure": True, "httponly": True, "samesite": "Strict"}


@app.route("/pref")
def pref():
    resp = make_response("ok")
    resp.set_cookie("pref", "compact", **COOKIE_OPTS)
    return resp
