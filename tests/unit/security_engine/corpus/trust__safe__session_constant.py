from flask import Flask, request, session

app = Flask(__name__)


@app.route("/visit")
def visit():
    _ = request.args.get("from")
    session["visited"] = True
    return {"ok": True}
