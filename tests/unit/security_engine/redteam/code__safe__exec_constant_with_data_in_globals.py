# expect: safe
from flask import Flask, request

app = Flask(__name__)


@app.route("/double")
def double():
    scope = {"value": request.args.get("v", "")}
    exec("result = value * 2", scope)
    return {"result": scope["result"]}
