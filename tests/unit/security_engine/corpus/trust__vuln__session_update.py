from flask import Flask, request, session

app = Flask(__name__)


@app.post("/preferences")
def preferences():
    session.update({"role": request.form.get("role", "viewer"), "theme": "dark"})
    return "", 204
