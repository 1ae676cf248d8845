# expect: CWE-501
from flask import Flask, request, session

app = Flask(__name__)


def remember(key, value):
    session[key] = value


@app.route("/lang")
def lang():
    remember("lang", request.headers.get("Accept-Language", "en"))
    return "ok"
