# expect: safe
from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/back")
def back():
    target = request.args.get("to", "/")
    if target.startswith("/") and not target.startswith("//") and not target.startswith("/\\"):
        return redirect(target)
    return redirect("/")
