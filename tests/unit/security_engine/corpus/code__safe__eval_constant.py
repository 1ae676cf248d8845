from flask import Flask, request

app = Flask(__name__)
FORMULAS = {"area": "3.14159 * 2 ** 2", "double": "2 * 21"}


@app.route("/formula")
def formula():
    which = request.args.get("name", "area")
    if which not in FORMULAS:
        return {"error": "unknown"}, 404
    return {"value": eval(FORMULAS["area"])}
