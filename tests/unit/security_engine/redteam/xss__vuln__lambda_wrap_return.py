# expect: CWE-79
from flask import Flask, request

app = Flask(__name__)
wrap = lambda inner: "<div>" + inner + "</div>"


@app.route("/w")
def w():
    return wrap(request.args.get("x", ""))
