from flask import Flask, redirect, request, url_for

app = Flask(__name__)


@app.route("/old-profile")
def old_profile():
    user = request.args.get("user", "")
    return redirect(url_for("profile", username=user))
