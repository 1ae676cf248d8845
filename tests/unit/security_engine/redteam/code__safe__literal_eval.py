# expect: safe
import ast

from flask import Flask, request

app = Flask(__name__)


@app.route("/parse")
def parse():
    literal = ast.literal_eval(request.args.get("v", "[]"))
    return {"length": len(literal)}
