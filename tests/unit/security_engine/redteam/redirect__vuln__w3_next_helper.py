# expect: CWE-601
import os

from flask import Flask, flash, redirect, render_template, request, session, url_for
from werkzeug.security import check_password_hash

from .models import User

app = Flask(__name__)
app.secret_key = os.environ["ACCOUNTS_SECRET_KEY"]


def _post_login_target() -> str:
    return request.values.get("next") or url_for("dashboard")


@app.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html", next=request.args.get("next", ""))
    user = User.query.filter_by(email=request.form.get("email", "").lower()).first()
    if user is None or not check_password_hash(user.password_hash, request.form.get("password", "")):
        flash("Invalid credentials")
        return redirect(url_for("login"))
    session.clear()
    session["uid"] = user.id
    destination = _post_login_target()
    return redirect(destination)


@app.route("/dashboard")
def dashboard():
    if "uid" not in session:
        return redirect(url_for("login"))
    return render_template("dashboard.html")


@app.route("/logout")
def logout():
    session.clear()
    return redirect(url_for("login"))
