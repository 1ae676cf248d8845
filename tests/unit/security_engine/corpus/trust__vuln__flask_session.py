from flask import Flask, request, session

app = Flask(__name__)
app.secret_key = "dev-only"


@app.route("/impersonate")
def impersonate():
    session["user_id"] = request.args.get("uid")
    return {"ok": True}
