from urllib.parse import urlparse
from flask import Flask, redirect, request
app = Flask(__name__)

@app.get("/go")
def go():
    target = request.args.get("to", "/")
    if urlparse(target).netloc != "":
        target = "/"
    return redirect(target)
