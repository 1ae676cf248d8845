# expect: CWE-501
from flask import Flask, request, session

app = Flask(__name__)


@app.post("/profile")
def profile():
    session["profile"] = {"display_name": request.form.get("display_name", "")}
    return "ok"
