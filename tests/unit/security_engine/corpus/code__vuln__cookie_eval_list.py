from flask import Flask, request

app = Flask(__name__)


@app.route("/prefs")
def prefs():
    parts = ["{", request.cookies.get("prefs", ""), "}"]
    settings = eval("".join(parts))
    return {"prefs": settings}
