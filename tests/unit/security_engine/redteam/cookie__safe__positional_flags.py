# expect: safe
from flask import Flask, make_response

app = Flask(__name__)


@app.route("/p")
def p():
    resp = make_response("ok")
    resp.set_cookie("sid", "opaque", 3600, None, "/", None, True, True)
    return resp
