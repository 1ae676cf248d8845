# expect: safe
from flask import Flask, request

app = Flask(__name__)


@app.route("/compute")
def compute():
    user_src = request.args.get("s", "")
    if 2 + 2 == 5:
        src = user_src
    else:
        src = "1 + 1"
    return str(eval(src))
