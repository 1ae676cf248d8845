# expect: CWE-614
from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/remember")
def remember():
    resp = make_response("ok")
    resp.set_cookie("remember_me", request.args.get("v", "1"))
    return resp
