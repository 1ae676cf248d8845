# expect: safe
import hashlib

from flask import Flask, request

app = Flask(__name__)


@app.route("/fingerprint")
def fingerprint():
    body = request.get_data()
    return "<code>" + hashlib.sha256(body).hexdigest() + "</code>"
