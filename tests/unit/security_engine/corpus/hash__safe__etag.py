import hashlib

from flask import Flask, make_response

app = Flask(__name__)


@app.route("/feed.xml")
def feed():
    body = open("feed.xml", "rb").read()
    resp = make_response(body)
    resp.headers["ETag"] = hashlib.md5(body).hexdigest()
    return resp
