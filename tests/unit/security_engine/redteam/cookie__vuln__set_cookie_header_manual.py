# expect: CWE-614
from flask import Flask, make_response

app = Flask(__name__)


@app.route("/m")
def m():
    resp = make_response("ok")
    resp.set_cookie(key="auth", value="t0k3n", httponly=True)
    return resp
