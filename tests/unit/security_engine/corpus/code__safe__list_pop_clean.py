from flask import Flask, request

app = Flask(__name__)


@app.route("/x")
def x():
    values = ["1 + 1"]
    values.append(request.args.get("expr"))
    values.pop()
    return {"v": eval(values[0])}
