# expect: safe
from flask import Flask, request, session

app = Flask(__name__)
THEMES = ("light", "dark")


@app.route("/theme")
def theme():
    wanted = request.args.get("theme", "light")
    session["theme"] = wanted if wanted in THEMES else "light"
    return "ok"
