from flask import Flask, request

app = Flask(__name__)


@app.route("/debug")
def debug():
    msg = request.args.get("msg", "")
    out = "<p>ok</p>"
    if 0:
        out = "<p>" + msg + "</p>"
    return out
