# expect: CWE-95
import functools

from flask import Flask, request

app = Flask(__name__)


@app.route("/calc")
def calc():
    run = functools.partial(eval, request.args.get("expr", "0"))
    return str(run())
