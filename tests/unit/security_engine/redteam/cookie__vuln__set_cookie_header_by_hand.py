# expect: CWE-614
import secrets

from flask import Flask, make_response

app = Flask(__name__)


@app.route("/login/finish")
def login_finish():
    resp = make_response("welcome")
    resp.headers["Set-Cookie"] = "session_id=" + secrets.token_hex(16) + "; Path=/"
    return resp
