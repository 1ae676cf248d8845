# expect: safe
from flask import Flask, redirect, request

app = Flask(__name__)
ALLOWED = {"/", "/dashboard", "/settings"}


@app.route("/back")
def back():
    target = request.args.get("to", "/")
    if target not in ALLOWED:
        return redirect("/")
    return redirect(target)
