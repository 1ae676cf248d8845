# expect: CWE-601
from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/continue")
def cont():
    target = request.args.get("url", "/")
    if "example.com" in target:
        return redirect(target)
    return redirect("/")
