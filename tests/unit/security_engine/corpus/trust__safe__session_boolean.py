from flask import Flask, request, session
app = Flask(__name__)

@app.post("/consent")
def consent():
    session["cookie_consent"] = request.form.get("accept") == "yes"
    return "", 204
