# expect: CWE-501
from flask import Flask, request, session

app = Flask(__name__)
app.secret_key = "dev"


@app.post("/login")
def login():
    session["user"] = request.form["user"]
    return {"ok": True}
