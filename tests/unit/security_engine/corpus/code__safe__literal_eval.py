import ast

from flask import Flask, request

app = Flask(__name__)


@app.route("/calc")
def calc():
    expression = request.args.get("data", "[]")
    return {"value": ast.literal_eval(expression)}
