# expect: safe
import hashlib

from flask import Flask, make_response

app = Flask(__name__)
PAGE = b"<html>static</html>"


@app.route("/static-page")
def page():
    resp = make_response(PAGE)
    resp.headers["ETag"] = hashlib.md5(PAGE).hexdigest()
    return resp
