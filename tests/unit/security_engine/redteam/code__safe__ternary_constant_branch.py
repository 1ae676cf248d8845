# expect: safe
from flask import Flask, request

app = Flask(__name__)
DEBUG_EVAL = False


@app.route("/debug")
def debug():
    snippet = request.args.get("snippet", "")
    code = snippet if DEBUG_EVAL else "None"
    return repr(eval(code))
