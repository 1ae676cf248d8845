# expect: CWE-601
from flask import Flask, redirect, request

app = Flask(__name__)


@app.route("/back")
def back():
    return redirect(request.referrer or "/")
