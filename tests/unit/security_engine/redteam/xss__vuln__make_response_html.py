# expect: CWE-79
from flask import Flask, make_response, request

app = Flask(__name__)


@app.route("/banner")
def banner():
    msg = request.args.get("m", "")
    resp = make_response("<div class='banner'>" + msg + "</div>")
    return resp
